using EdgeAgent.Firmware.Indicators;
using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Logic;

public sealed class LedIndicatorsTests
{
    private readonly FakeHardware _hardware = new();
    private readonly LedIndicators _leds;

    public LedIndicatorsTests() => _leds = new LedIndicators(_hardware);

    [Fact]
    public void Apply_Blink_TogglesEveryHalfSecondAndWritesOnlyChanges()
    {
        _leds.Apply(new LedCommand(0, LedMode.Blink, 0, 255, 0), 0);
        for (long t = 0; t < 2000; t += 10)
        {
            _hardware.UptimeMilliseconds = t;
            _leds.Tick(t);
        }

        Assert.Equal([(0L, 0, 0x00FF00), (500L, 0, 0), (1000L, 0, 0x00FF00), (1500L, 0, 0)], _hardware.Led);
    }

    [Fact]
    public void Apply_SolidThenOff_IsOnThenOff()
    {
        _leds.Apply(new LedCommand(0, LedMode.Solid, 1, 2, 3), 0);
        _leds.Tick(100);
        _leds.Apply(new LedCommand(0, LedMode.Off, 1, 2, 3), 200);
        _leds.Tick(300);

        Assert.Equal([0x010203, 0], _hardware.Led.Select(l => l.Rgb));
    }

    [Fact]
    public void Apply_LedTheCompanionLacks_IsCountedAndIgnored()
    {
        _leds.Apply(new LedCommand(7, LedMode.Solid, 255, 0, 0), 0);

        Assert.Empty(_hardware.Led);
        Assert.Equal(1, _leds.UnknownLeds);
    }
}
