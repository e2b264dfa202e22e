using System.Device.Gpio;
using EdgeAgent.Hardware.Gpio;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Gpio;

public sealed class StatusLedTests : IDisposable
{
    private const int Pin = 17;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SimulatedGpioDriver _driver;
    private readonly GpioController _controller;

    public StatusLedTests()
    {
        _driver = new SimulatedGpioDriver(_time);
        _controller = new GpioController(_driver);
    }

    public void Dispose() => _controller.Dispose();

    [Theory]
    [InlineData(false, 0, 1)] // active-high: off is low, on is high
    [InlineData(true, 1, 0)] // active-low: off is high, on is low
    public void Set_DrivesThePinToTheLevelOfTheWiring(bool activeLow, int offLevel, int onLevel)
    {
        using var led = new StatusLed(_controller, Pin, activeLow);
        Assert.Equal(PinMode.Output, _driver.ModeOf(Pin));
        Assert.Equal((PinValue)offLevel, _driver.OutputLevel(Pin));

        led.Set(true);
        Assert.Equal((PinValue)onLevel, _driver.OutputLevel(Pin));
        Assert.True(led.IsOn);

        led.Set(false);
        Assert.Equal((PinValue)offLevel, _driver.OutputLevel(Pin));
        Assert.False(led.IsOn);
    }

    [Fact]
    public void Blinking_OnAFakeClock_LeavesTheExactPatternInTheDriversLog()
    {
        // Three 100 ms flashes a second, as a caller timing a pattern would drive them.
        using var led = new StatusLed(_controller, Pin);
        var start = _time.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            led.Set(true);
            _time.Advance(TimeSpan.FromMilliseconds(100));
            led.Set(false);
            _time.Advance(TimeSpan.FromMilliseconds(233));
        }

        var expected = new List<GpioLevelChange> { new(Pin, PinValue.Low, start) }; // opened off
        for (var i = 0; i < 3; i++)
        {
            expected.Add(new GpioLevelChange(Pin, PinValue.High, start.AddMilliseconds(333 * i)));
            expected.Add(new GpioLevelChange(Pin, PinValue.Low, start.AddMilliseconds((333 * i) + 100)));
        }

        Assert.Equal(expected, _driver.Changes);
    }

    [Fact]
    public void Set_SameStateTwice_IsOneChange()
    {
        using var led = new StatusLed(_controller, Pin);
        led.Set(true);
        led.Set(true);

        Assert.Equal([PinValue.Low, PinValue.High], _driver.Changes.Select(c => c.Level));
    }

    [Fact]
    public void Dispose_TurnsTheLedOffAndReleasesThePin()
    {
        var led = new StatusLed(_controller, Pin);
        led.Set(true);

        led.Dispose();

        Assert.Null(_driver.ModeOf(Pin));
        Assert.Equal(PinValue.Low, _driver.Changes[^1].Level);
        Assert.Throws<ObjectDisposedException>(() => led.Set(true));
    }

    [Fact]
    public void Open_PinNotOnTheChip_IsAnIOExceptionNamingTheLedAndPin()
    {
        var e = Assert.Throws<IOException>(() => new StatusLed(_controller, 40));

        Assert.StartsWith("the status LED on GPIO 40", e.Message, StringComparison.Ordinal);
    }
}
