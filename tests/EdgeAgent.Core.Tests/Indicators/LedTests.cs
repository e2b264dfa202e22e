using EdgeAgent.Core.Indicators;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Indicators;

public sealed class LedTests
{
    [Theory]
    //          fault  update starting connected -> shown
    [InlineData(true, true, true, true, LedState.Fault)]          // a fault wins over everything
    [InlineData(true, false, false, false, LedState.Fault)]
    [InlineData(false, true, false, true, LedState.Updating)]      // updating wins over the link state
    [InlineData(false, true, true, false, LedState.Updating)]
    [InlineData(false, false, true, false, LedState.Booting)]      // starting, not yet connected
    [InlineData(false, false, true, true, LedState.Connected)]     // connected during start: connected
    [InlineData(false, false, false, true, LedState.Connected)]
    [InlineData(false, false, false, false, LedState.OfflineBacklog)] // started, hub unreachable
    public void Choose_Facts_MostUrgentStateWins(bool fault, bool updating, bool starting, bool connected, LedState expected) =>
        Assert.Equal(expected, LedRule.Choose(new LedFacts(fault, updating, starting, connected)));

    [Theory]
    // Booting: 500 on / 500 off.
    [InlineData(LedState.Booting, 0, true)]
    [InlineData(LedState.Booting, 499, true)]
    [InlineData(LedState.Booting, 500, false)]
    [InlineData(LedState.Booting, 999, false)]
    [InlineData(LedState.Booting, 1000, true)]        // next period
    // Connected: 100 on / 2900 off.
    [InlineData(LedState.Connected, 99, true)]
    [InlineData(LedState.Connected, 100, false)]
    [InlineData(LedState.Connected, 2999, false)]
    [InlineData(LedState.Connected, 3050, true)]      // 3050 mod 3000 = 50
    // Offline: 100 on, 200 off, 100 on, 1600 off (2 s).
    [InlineData(LedState.OfflineBacklog, 50, true)]
    [InlineData(LedState.OfflineBacklog, 150, false)]
    [InlineData(LedState.OfflineBacklog, 300, true)]  // second blip 300-399
    [InlineData(LedState.OfflineBacklog, 400, false)]
    [InlineData(LedState.OfflineBacklog, 1999, false)]
    [InlineData(LedState.OfflineBacklog, 2300, true)] // 2300 mod 2000 = 300
    // Updating: 125 / 125.
    [InlineData(LedState.Updating, 124, true)]
    [InlineData(LedState.Updating, 125, false)]
    [InlineData(LedState.Updating, 250, true)]
    // Fault: 150 on / 150 off three times, then 1250 off (2 s).
    [InlineData(LedState.Fault, 0, true)]
    [InlineData(LedState.Fault, 150, false)]
    [InlineData(LedState.Fault, 300, true)]
    [InlineData(LedState.Fault, 600, true)]           // third blip 600-749
    [InlineData(LedState.Fault, 750, false)]
    [InlineData(LedState.Fault, 1999, false)]
    [InlineData(LedState.Off, 0, false)]
    [InlineData(LedState.Off, 12345, false)]
    public void IsOn_ShippedPatterns_FollowTheTable(LedState state, int ms, bool on) =>
        Assert.Equal(on, LedPattern.For(state).IsOn(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData(LedState.Booting, 1000)]
    [InlineData(LedState.Connected, 3000)]
    [InlineData(LedState.OfflineBacklog, 2000)]
    [InlineData(LedState.Updating, 250)]
    [InlineData(LedState.Fault, 2000)]
    public void Period_ShippedPatterns(LedState state, int ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), LedPattern.For(state).Period);

    [Theory]
    [InlineData(0, 150)]      // fault: first blip ends at 150
    [InlineData(100, 50)]
    [InlineData(760, 1240)]   // in the pause: 750 + 1250 = 2000
    [InlineData(2000, 150)]
    public void UntilChange_Fault_TimeToTheNextEdge(int ms, int untilMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(untilMs), LedPattern.Fault.UntilChange(TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void UntilChange_Off_Never() => Assert.Equal(TimeSpan.MaxValue, LedPattern.Off.UntilChange(TimeSpan.Zero));

    [Fact]
    public void Construct_OddOrEmptySegments_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new LedPattern([TimeSpan.FromMilliseconds(100)]));
        Assert.Throws<ArgumentException>(() => new LedPattern([TimeSpan.FromMilliseconds(100), TimeSpan.Zero]));
    }

    [Fact]
    public void Poll_NewState_StartsItsPatternFromTheTopAndReportsChanges()
    {
        var time = new FakeTimeProvider();
        var player = new LedPlayer(time);
        Assert.Equal(new LedLevel(false, false), player.Poll()); // Off at start

        player.Show(LedState.Booting);
        Assert.Equal(new LedLevel(true, true), player.Poll());   // first blip at once
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(new LedLevel(true, false), player.Poll());
        time.Advance(TimeSpan.FromMilliseconds(300));             // 550 ms: off half
        Assert.Equal(new LedLevel(false, true), player.Poll());

        player.Show(LedState.Booting);                            // same state: keeps the phase (still off)
        Assert.Equal(new LedLevel(false, false), player.Poll());

        player.Show(LedState.Connected);                          // new state: its blip now
        Assert.Equal(new LedLevel(true, true), player.Poll());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal((new LedLevel(false, true), LedState.Connected), (player.Poll(), player.State));
    }

    [Fact]
    public void Poll_EveryTickForAPeriod_SeesEachBlipOfTheFaultPattern()
    {
        // 25 ms ticks over one 2 s fault period: 80 polls, 3 rising edges.
        var time = new FakeTimeProvider();
        var player = new LedPlayer(time);
        player.Show(LedState.Fault);
        var rising = 0;
        for (var i = 0; i < 80; i++)
        {
            if (player.Poll() is { On: true, Changed: true })
            {
                rising++;
            }

            time.Advance(LedPlayer.TickInterval);
        }

        Assert.Equal(3, rising);
    }
}
