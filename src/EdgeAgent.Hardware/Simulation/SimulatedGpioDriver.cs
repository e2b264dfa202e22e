using System.Device.Gpio;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>One change of an output pin's level, at the simulated board's time.</summary>
public readonly record struct GpioLevelChange(int Pin, PinValue Level, DateTimeOffset At);

/// <summary>
/// The bus seam of the GPIO bindings' simulated twins: a <see cref="GpioDriver"/> for <c>new GpioController(driver)</c>.
/// Inputs read the level a test (or the simulated board) sets with <see cref="SetInput"/>; an input nobody drives reads
/// what its pull resistor gives (high with <see cref="PinMode.InputPullUp"/>, low otherwise). Outputs keep the level
/// written, readable with <see cref="OutputLevel"/>, and every change of level is logged in <see cref="Changes"/> with
/// the <see cref="TimeProvider"/>'s time, so a test can assert an LED's blink pattern. Pin-change callbacks fire when
/// an input's level changes.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly TimeProvider _time;
    private readonly int _pinCount;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, PinMode> _open = [];
    private readonly Dictionary<int, PinValue> _driven = [];
    private readonly Dictionary<int, PinValue> _outputs = [];
    private readonly List<GpioLevelChange> _changes = [];
    private readonly List<(int Pin, PinEventTypes Types, PinChangeEventHandler Callback)> _callbacks = [];

    /// <param name="pinCount">Pins 0 to pinCount - 1 exist (a Raspberry Pi's 40-pin header exposes GPIO 0-27).</param>
    public SimulatedGpioDriver(TimeProvider time, int pinCount = 28)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        _time = time;
        _pinCount = pinCount;
    }

    /// <summary>Every change of an output pin's level, oldest first (the first write after opening counts as a change).</summary>
    public IReadOnlyList<GpioLevelChange> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    protected override int PinCount => _pinCount;

    /// <summary>Drives an input pin from outside (a button pressed, a sensor's interrupt line); null stops driving it.</summary>
    public void SetInput(int pin, PinValue? level)
    {
        CheckPin(pin);
        List<PinChangeEventHandler> fire = [];
        PinEventTypes edge;
        lock (_gate)
        {
            var before = InputLevel(pin);
            if (level is { } value)
            {
                _driven[pin] = value;
            }
            else
            {
                _driven.Remove(pin);
            }

            var after = InputLevel(pin);
            edge = before == after ? PinEventTypes.None : after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            if (edge != PinEventTypes.None && _open.ContainsKey(pin))
            {
                fire.AddRange(_callbacks.Where(c => c.Pin == pin && (c.Types & edge) != 0).Select(c => c.Callback));
            }
        }

        foreach (var callback in fire)
        {
            callback(this, new PinValueChangedEventArgs(edge, pin));
        }
    }

    /// <summary>The level an output pin is driven to; null when the pin is not open as an output.</summary>
    public PinValue? OutputLevel(int pin)
    {
        lock (_gate)
        {
            return _open.TryGetValue(pin, out var mode) && mode == PinMode.Output && _outputs.TryGetValue(pin, out var level) ? level : null;
        }
    }

    /// <summary>Whether a pin is open, and in which mode.</summary>
    public PinMode? ModeOf(int pin)
    {
        lock (_gate)
        {
            return _open.TryGetValue(pin, out var mode) ? mode : null;
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            _open[pinNumber] = PinMode.Input;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _open.Remove(pinNumber);
            _outputs.Remove(pinNumber);
            _callbacks.RemoveAll(c => c.Pin == pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber);
            _open[pinNumber] = mode;
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber);
            return _open[pinNumber];
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber >= 0 && pinNumber < _pinCount && mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber);
            return _open[pinNumber] == PinMode.Output ? _outputs.GetValueOrDefault(pinNumber, PinValue.Low) : InputLevel(pinNumber);
        }
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber);
            if (_open[pinNumber] != PinMode.Output)
            {
                // Writing an input pin does nothing on real chips either (libgpiod refuses it); keep no level for it.
                throw new InvalidOperationException($"GPIO {pinNumber} is an input ({_open[pinNumber]}); it cannot be written");
            }

            var level = value == PinValue.High ? PinValue.High : PinValue.Low;
            if (!_outputs.TryGetValue(pinNumber, out var before) || before != level)
            {
                _changes.Add(new GpioLevelChange(pinNumber, level, _time.GetUtcNow()));
            }

            _outputs[pinNumber] = level;
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulated GPIO driver raises pin-change callbacks; it does not block in WaitForEvent");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber);
            _callbacks.Add((pinNumber, eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks.RemoveAll(c => c.Pin == pinNumber && c.Callback == callback);
        }
    }

    private PinValue InputLevel(int pin) =>
        _driven.TryGetValue(pin, out var level) ? level
        : _open.TryGetValue(pin, out var mode) && mode == PinMode.InputPullUp ? PinValue.High
        : PinValue.Low;

    private void CheckPin(int pin)
    {
        if (pin < 0 || pin >= _pinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"the simulated GPIO chip has pins 0 to {_pinCount - 1}");
        }
    }

    private void RequireOpen(int pin)
    {
        if (!_open.ContainsKey(pin))
        {
            throw new InvalidOperationException($"GPIO {pin} is not open");
        }
    }
}
