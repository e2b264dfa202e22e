using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Globalization;
using EdgeAgent.Hardware.Gpio;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Hardware.Simulation;

namespace EdgeAgent.Hardware.Monitoring;

/// <summary>
/// The product's field controls on the board's GPIO: the status LED and the button of the profile's <c>controls</c>
/// (each optional; the button played back from a replayed trace's <c>button</c> lines), through libgpiod on the pin's chip and line (the board's <c>gpio_lines</c>, else its
/// <c>gpio_chip</c> with line = pin), or a <see cref="SimulatedGpioDriver"/> on the simulated board. A control that cannot
/// be opened is left out and said in <see cref="Problems"/>: the agent runs without it.
/// </summary>
public sealed class ControlRig : IDisposable
{
    private readonly List<GpioController> _controllers = [];
    private readonly List<IDisposable> _owned = [];

    private ControlRig()
    {
    }

    public IStatusLed? Led { get; private set; }

    public IButton? Button { get; private set; }

    /// <summary>The simulated board's driver (null on a real board): tests press the button and watch the LED here.</summary>
    public SimulatedGpioDriver? Simulated { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <param name="replay">A recorded trace: the button is played back from its <c>button</c> lines (the LED still lights).</param>
    public static ControlRig Open(ProductProfile product, BoardProfile board, TimeProvider time, string? replay = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(board);
        var rig = new ControlRig();
        var problems = new List<string>();
        if (product.Controls?.StatusLed is { } led)
        {
            try
            {
                rig.Led = new StatusLed(rig.Controller(board, led.Pin, time, out var line), line, led.ActiveLow);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException or DllNotFoundException)
            {
                problems.Add($"status LED on pin {led.Pin}: {e.Message}");
            }
        }

        if (product.Controls?.Button is not null && replay is not null)
        {
            var button = Replay.ReplaySensors.Button(replay, time);
            rig._owned.Add((IDisposable)button);
            rig.Button = button;
        }
        else if (product.Controls?.Button is { } button)
        {
            try
            {
                rig.Button = new Button(rig.Controller(board, button.Pin, time, out var line), line, button.ActiveLow,
                    button.ActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or PlatformNotSupportedException or DllNotFoundException)
            {
                problems.Add($"button on pin {button.Pin}: {e.Message}");
            }
        }

        rig.Problems = problems;
        return rig;
    }

    public void Dispose()
    {
        foreach (var controller in _controllers)
        {
            controller.Dispose();
        }

        _controllers.Clear();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }

    private GpioController Controller(BoardProfile board, int pin, TimeProvider time, out int line)
    {
        if (board.Simulated)
        {
            line = pin;
            if (_controllers.Count == 0)
            {
                Simulated = new SimulatedGpioDriver(time);
                _controllers.Add(new GpioController(Simulated));
            }

            return _controllers[0];
        }

        var mapped = board.Line(pin);
        line = mapped?.Line ?? pin;
        var chip = mapped?.Chip ?? board.GpioChip;
        var number = chip.AsSpan().TrimStart("/dev/").TrimStart("gpiochip");
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var chipNumber))
        {
            throw new IOException($"{board.SourceFile}: gpio chip '{chip}' is not /dev/gpiochipN");
        }

        var controller = new GpioController(new LibGpiodDriver(chipNumber));
        _controllers.Add(controller);
        return controller;
    }
}
