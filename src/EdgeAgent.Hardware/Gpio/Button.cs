using System.Device.Gpio;

namespace EdgeAgent.Hardware.Gpio;

/// <summary>
/// A push button on a GPIO input pin, polled. The default is the common wiring: the button connects the pin to ground,
/// the SoC's internal pull-up holds it high otherwise, so pressed reads low (active-low, <see cref="PinMode.InputPullUp"/>).
/// A button to 3V3 with a pull-down is <c>activeLow: false, pull: PinMode.InputPullDown</c>; with an external resistor,
/// <see cref="PinMode.Input"/>.
/// </summary>
public sealed class Button : IButton, IDisposable
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly PinValue _pressedLevel;
    private bool _disposed;

    /// <param name="pull"><see cref="PinMode.InputPullUp"/>, <see cref="PinMode.InputPullDown"/> or <see cref="PinMode.Input"/> (external resistor).</param>
    /// <exception cref="IOException">The pin cannot be opened as an input in that mode.</exception>
    public Button(GpioController controller, int pin, bool activeLow = true, PinMode pull = PinMode.InputPullUp)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        if (pull is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            throw new ArgumentOutOfRangeException(nameof(pull), pull, "a button's pin is an input: Input, InputPullUp or InputPullDown");
        }

        _controller = controller;
        _pin = pin;
        _pressedLevel = activeLow ? PinValue.Low : PinValue.High;
        GpioPins.Open(controller, pin, pull, "button", initialValue: null);
    }

    public int Pin => _pin;

    public bool IsPressed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _controller.Read(_pin) == _pressedLevel;
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
            _controller.ClosePin(_pin);
        }
    }
}
