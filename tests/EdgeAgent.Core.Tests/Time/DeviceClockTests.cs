using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Time;

public sealed class DeviceClockTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void MonoMs_TimeAdvances_CountsFromConstruction()
    {
        _time.Advance(TimeSpan.FromHours(1));
        var clock = new DeviceClock(_time, SystemClockTrust.None);

        _time.Advance(TimeSpan.FromMilliseconds(1_234));

        Assert.Equal(1_234, clock.MonoMs);
    }

    [Fact]
    public void MonoMsAt_TimestampOfThisProvider_IsItsMonoMs()
    {
        var clock = new DeviceClock(_time, SystemClockTrust.None);
        _time.Advance(TimeSpan.FromMilliseconds(66_000));
        var at = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal((66_000L, 66_500L), (clock.MonoMsAt(at), clock.MonoMs));
    }

    [Theory]
    [InlineData(SystemClockTrust.Ntp, TimeSources.Ntp)]
    [InlineData(SystemClockTrust.Gnss, TimeSources.Gnss)]
    [InlineData(SystemClockTrust.Rtc, TimeSources.Rtc)]
    public void Wall_TrustedSystemClock_IsTheSystemTimeWithItsSource(SystemClockTrust trust, string source)
    {
        var clock = new DeviceClock(_time, trust);
        clock.Anchor(new ClockSyncSample(1, 0, 10, 5));

        Assert.Equal((_time.GetUtcNow().ToUnixTimeMilliseconds(), source), clock.Wall());
    }

    [Fact]
    public void Wall_UntrustedClock_IsNoneUntilAnchoredThenMonoPlusOffset()
    {
        var clock = new DeviceClock(_time, SystemClockTrust.None);
        Assert.Equal(((long?)null, TimeSources.None), clock.Wall());

        _time.Advance(TimeSpan.FromMilliseconds(140));
        clock.Anchor(new ClockSyncSample(1, 100, 140, 1_764_403_200_000));
        _time.Advance(TimeSpan.FromMilliseconds(60));

        Assert.Equal((200 + 1_764_403_200_000 - 120, TimeSources.Hub), clock.Wall());
    }

    [Fact]
    public void Anchor_AnswerBeforeRequest_Refused()
    {
        var clock = new DeviceClock(_time, SystemClockTrust.None);

        Assert.Throws<ArgumentException>(() => clock.Anchor(new ClockSyncSample(1, 100, 90, 5)));
    }
}
