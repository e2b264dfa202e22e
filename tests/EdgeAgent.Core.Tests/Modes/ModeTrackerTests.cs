using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Modes;

public sealed class ModeTrackerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly UsageAccountant _usage;
    private readonly DeviceClock _clock;

    public ModeTrackerTests()
    {
        _usage = new UsageAccountant(_time, new InferenceUsage());
        _clock = new DeviceClock(_time, SystemClockTrust.None);
    }

    [Fact]
    public void Construct_TellsTheAccountantTheDefaultModeAndClass()
    {
        _ = new ModeTracker(ProductScenarioTests.Drone(), _usage, _clock, _time);

        Assert.Equal((UsageMode.Idle, "standby"), (_usage.Mode, _usage.ProductMode));
    }

    [Fact]
    public void Stop_InASessionMode_EndsTheSessionAtShutdown()
    {
        _time.Advance(TimeSpan.FromSeconds(7)); // the boot began 7 s before the tracker
        var tracker = new ModeTracker(ProductScenarioTests.Drone(), _usage, _clock, _time);
        // 12 A and 5 m at every second from 7 s: the mean over [t - 3, t] is 12 > 5 at once, altitude 5 > 2.
        // flying is the candidate from 7 s; enter 2 s -> flying at 9 s = mono 9000.
        for (var t = 7; t <= 20; t++)
        {
            tracker.Observe("power.current_a", 12, _time.GetTimestamp());
            tracker.Observe("gnss.altitude_rel_m", 5, _time.GetTimestamp());
            tracker.Evaluate(_time.GetTimestamp());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Shut down at 21.5 s: the flight is 9000 -> 21500, 12.5 s.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        var session = tracker.Stop(_time.GetTimestamp());

        Assert.Equal(new SessionData("flying", "operate", 9_000, 21_500, 12.5, SessionData.EndedByShutdown, null), session);
        Assert.Null(tracker.Stop(_time.GetTimestamp()));
        Assert.Throws<ObjectDisposedException>(() => tracker.Evaluate(_time.GetTimestamp()));
    }

    [Fact]
    public void Stop_NotInASessionMode_EndsNothing()
    {
        var tracker = new ModeTracker(ProductScenarioTests.Drone(), _usage, _clock, _time);
        tracker.Evaluate(_time.GetTimestamp());

        Assert.Null(tracker.Stop(_time.GetTimestamp()));
    }

    [Fact]
    public void Evaluate_Switch_TheAccountantCountsTheTimeBeforeToThePreviousMode()
    {
        var tracker = new ModeTracker(ProductScenarioTests.Drone(), _usage, _clock, _time);
        // 2 A from 0 s: armed is the candidate at 0 and 1 s, enter 1 s -> armed at 1 s.
        for (var t = 0; t <= 10; t++)
        {
            tracker.Observe("power.current_a", 2, _time.GetTimestamp());
            tracker.Evaluate(_time.GetTimestamp());
            if (t < 10)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var summary = _usage.TakeSummary();

        // standby 0-1 = 1 s, armed 1-10 = 9 s (operate).
        Assert.Equal(new Dictionary<string, double> { ["armed"] = 9, ["standby"] = 1 }, summary.Modes);
        Assert.Equal((10.0, 9.0, 1.0), (summary.PeriodS, summary.OperateS, summary.IdleS));
    }

    [Fact]
    public void ToJson_Session_IsTheSessionRecordData()
    {
        var session = new SessionData("flying", "operate", 66_000, 196_000, 130.0, SessionData.EndedBySwitch, "armed");
        var shutdown = session with { Ended = SessionData.EndedByShutdown, Next = null };

        Assert.Equal(RecordTypes.Session, SessionData.RecordType);
        Assert.Equal("""{"mode":"flying","class":"operate","start_mono_ms":66000,"end_mono_ms":196000,"duration_s":130,"ended":"switch","next":"armed"}""", session.ToJson().GetRawText());
        Assert.Equal("""{"mode":"flying","class":"operate","start_mono_ms":66000,"end_mono_ms":196000,"duration_s":130,"ended":"shutdown"}""", shutdown.ToJson().GetRawText());
    }
}
