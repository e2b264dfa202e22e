using EdgeAgent.Firmware.Haptics;
using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Logic;

public sealed class HapticsPlayerTests
{
    private readonly FakeHardware _hardware = new();
    private readonly HapticsPlayer _player;

    public HapticsPlayerTests() => _player = new HapticsPlayer(_hardware);

    [Fact]
    public void Play_DoubleTick_DrivesOnOffOnAndStops()
    {
        _player.Play(new HapticsCommand(HapticPattern.DoubleTick, 200, 1), 0);
        Run(1000);

        Assert.Equal([(0L, (byte)200), (30L, (byte)0), (110L, (byte)200), (140L, (byte)0)], _hardware.Motor);
        Assert.False(_player.IsPlaying);
    }

    [Fact]
    public void Play_TickRepeatedThreeTimes_PausesTheGapBetween()
    {
        _player.Play(new HapticsCommand(HapticPattern.Tick, 255, 3), 0);
        Run(2000);

        var onsets = _hardware.Motor.Where(m => m.Intensity > 0).Select(m => m.At);
        Assert.Equal([0L, 230L, 460L], onsets); // 30 on + 200 gap
    }

    [Fact]
    public void Play_StopWhilePlaying_StopsAtOnce()
    {
        _player.Play(new HapticsCommand(HapticPattern.Long, 180, 1), 0);
        Run(100);
        _player.Play(new HapticsCommand(HapticPattern.Stop, 0, 0), 100);
        Run(1000);

        Assert.Equal([(0L, (byte)180), (100L, (byte)0)], _hardware.Motor);
    }

    [Theory]
    [InlineData("Tick", 30)]
    [InlineData("DoubleTick", 140)]
    [InlineData("Long", 400)]
    [InlineData("Alert", 650)]
    public void Play_EachPattern_LastsItsDocumentedLength(string pattern, long lastsMilliseconds)
    {
        _player.Play(new HapticsCommand(Enum.Parse<HapticPattern>(pattern), 100, 1), 0);
        Run(2000);

        Assert.Equal(lastsMilliseconds, _hardware.Motor[^1].At);
        Assert.Equal(0, _hardware.Motor[^1].Intensity);
    }

    private void Run(int milliseconds)
    {
        var end = _hardware.UptimeMilliseconds + milliseconds;
        for (; _hardware.UptimeMilliseconds < end; _hardware.UptimeMilliseconds++)
        {
            _player.Tick(_hardware.UptimeMilliseconds);
        }
    }
}
