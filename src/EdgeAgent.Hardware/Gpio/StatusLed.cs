using System.Device.Gpio;

namespace EdgeAgent.Hardware.Gpio;

/// <summary>
/// A status LED on a GPIO output pin. Active-high (the default) drives the pin high to light it (LED from the pin to
/// ground through its resistor); active-low drives it low (LED from 3V3 to the pin, the usual way to sink more current
/// than a pin sources). The pin is opened as an output with the LED off, and closed, LED off, on dispose.
/// </summary>
public sealed class StatusLed : IStatusLed, IDisposable
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly PinValue _onLevel;
    private bool _disposed;

    /// <param name="controller">The board's controller (the composition root creates it; tests pass one over a simulated driver).</param>
    /// <param name="pin">The pin number in the controller's numbering (logical/BCM on a Raspberry Pi).</param>
    /// <exception cref="IOException">The pin cannot be opened as an output (in use by another process, not on this chip).</exception>
    public StatusLed(GpioController controller, int pin, bool activeLow = false)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        _controller = controller;
        _pin = pin;
        _onLevel = activeLow ? PinValue.Low : PinValue.High;
        GpioPins.Open(controller, pin, PinMode.Output, "status LED", initialValue: !_onLevel);
    }

    public int Pin => _pin;

    public bool IsOn { get; private set; }

    public void Set(bool on)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _controller.Write(_pin, on ? _onLevel : !_onLevel);
        IsOn = on;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_controller.IsPinOpen(_pin))
        {
            _controller.Write(_pin, !_onLevel);
            _controller.ClosePin(_pin);
        }
    }
}
