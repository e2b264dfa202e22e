using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Usage;

public sealed class UsageAccountantTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly InferenceUsage _usage = new();

    [Fact]
    public void TakeSummary_ModesChangedDuringTheInterval_CountsSecondsPerModeFromTheMonotonicClock()
    {
        var accountant = new UsageAccountant(_time, _usage);
        _time.Advance(TimeSpan.FromSeconds(100));
        accountant.SetMode(UsageMode.Operate);
        _time.Advance(TimeSpan.FromSeconds(600));
        accountant.SetMode(UsageMode.Fault);
        _time.Advance(TimeSpan.FromSeconds(20));
        accountant.SetMode(UsageMode.Charge);
        _time.Advance(TimeSpan.FromSeconds(180));

        var summary = accountant.TakeSummary();

        Assert.Equal((900.0, 600.0, 100.0, 180.0, 20.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        _time.Advance(TimeSpan.FromSeconds(60));
        var next = accountant.TakeSummary();
        Assert.Equal((60.0, 0.0, 60.0), (next.PeriodS, next.OperateS, next.ChargeS));
    }

    [Fact]
    public void TakeSummary_TwoIntervals_ReportsCallsFailuresAndPercentilesOfEachIntervalOnly()
    {
        var accountant = new UsageAccountant(_time, _usage);
        var face = _usage.For("blazeface");
        for (var i = 0; i < 100; i++)
        {
            face.RecordCall(TimeSpan.FromMilliseconds(2));
        }

        face.RecordFailure();
        var first = accountant.TakeSummary();

        for (var i = 0; i < 10; i++)
        {
            face.RecordCall(TimeSpan.FromMilliseconds(50));
        }

        var second = accountant.TakeSummary();

        Assert.Equal((100L, 1L), (first.Inferences["blazeface"].Calls, first.Inferences["blazeface"].Failures));
        Assert.InRange(first.Inferences["blazeface"].P99Ms, 2.0, 2.2);
        var late = second.Inferences["blazeface"];
        Assert.Equal((10L, 0L), (late.Calls, late.Failures));
        Assert.InRange(late.P50Ms, 50.0, 54.5); // the earlier 2 ms calls do not pull it down
        Assert.Empty(accountant.TakeSummary().Inferences); // unused in the interval: not listed
    }

    [Fact]
    public void Credit_TimeTheClockDidNotSee_CountsToTheModeAndThePeriodOfThisIntervalOnly()
    {
        var accountant = new UsageAccountant(_time, _usage, UsageMode.Operate);
        _time.Advance(TimeSpan.FromSeconds(10));
        accountant.Credit(UsageMode.Idle, TimeSpan.FromHours(1)); // the board slept; the companion counted it

        var first = accountant.TakeSummary();
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = accountant.TakeSummary();

        Assert.Equal(3610, first.PeriodS);
        Assert.Equal(10, first.OperateS);
        Assert.Equal(3600, first.IdleS);
        Assert.Equal(5, second.PeriodS);
        Assert.Equal(0, second.IdleS);
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.Credit(UsageMode.Idle, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void TakeSummary_FramesProcessed_CountedPerInterval()
    {
        var accountant = new UsageAccountant(new FakeTimeProvider(), new InferenceUsage());
        accountant.AddFrames(5);
        accountant.AddFrames();

        Assert.Equal(6, accountant.TakeSummary().Frames);
        Assert.Equal(0, accountant.TakeSummary().Frames);
    }

    [Fact]
    public void TakeSummary_FramesDropped_CountedPerInterval()
    {
        var accountant = new UsageAccountant(_time, _usage);
        accountant.AddFramesDropped(3);
        accountant.AddFramesDropped();

        Assert.Equal(4, accountant.TakeSummary().FramesDropped);
        Assert.Equal(0, accountant.TakeSummary().FramesDropped);
    }

    [Fact]
    public void ToJson_Summary_IsTheUsageSummaryRecordData()
    {
        var accountant = new UsageAccountant(_time, _usage, UsageMode.Operate);
        _usage.For("blazeface").RecordCall(TimeSpan.FromMilliseconds(2));
        _time.Advance(TimeSpan.FromSeconds(900));

        var json = accountant.TakeSummary().ToJson().GetRawText();

        Assert.Equal("""{"period_s":900,"operate_s":900,"idle_s":0,"charge_s":0,"fault_s":0,"inferences":{"blazeface":{"calls":1,"failures":0,"p50_ms":2,"p95_ms":2,"p99_ms":2}},"frames":0,"frames_dropped":0}""", json);
    }

    [Fact]
    public void TakeSummary_ProductModes_SecondsPerModeAddUpToThePeriod()
    {
        var accountant = new UsageAccountant(_time, _usage);
        accountant.SetMode(UsageMode.Idle, "standby");
        _time.Advance(TimeSpan.FromSeconds(100));
        accountant.SetMode(UsageMode.Operate, "active");
        _time.Advance(TimeSpan.FromSeconds(612));
        accountant.SetMode(UsageMode.Idle, "worn");
        _time.Advance(TimeSpan.FromSeconds(120.5));
        accountant.SetMode(UsageMode.Idle, "standby");
        _time.Advance(TimeSpan.FromSeconds(67.5));

        var summary = accountant.TakeSummary();

        // standby 100 + 67.5 = 167.5; active 612; worn 120.5; 167.5 + 612 + 120.5 = 900 = period; idle = 167.5 + 120.5 = 288.
        Assert.Equal(new Dictionary<string, double> { ["active"] = 612, ["standby"] = 167.5, ["worn"] = 120.5 }, summary.Modes);
        Assert.Equal((900.0, 612.0, 288.0), (summary.PeriodS, summary.OperateS, summary.IdleS));
        Assert.Equal("standby", accountant.ProductMode);
    }

    [Fact]
    public void TakeSummary_NextInterval_ListsOnlyModesWithTimeInIt()
    {
        var accountant = new UsageAccountant(_time, _usage);
        accountant.SetMode(UsageMode.Operate, "flying");
        _time.Advance(TimeSpan.FromSeconds(30));
        accountant.SetMode(UsageMode.Charge, "charging");
        _time.Advance(TimeSpan.FromSeconds(10));
        accountant.TakeSummary();
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(new Dictionary<string, double> { ["charging"] = 60 }, accountant.TakeSummary().Modes);
    }

    [Fact]
    public void SetMode_WithoutProductMode_CountsTheClassOnlyAndTheSummaryHasNoModes()
    {
        var accountant = new UsageAccountant(_time, _usage);
        accountant.SetMode(UsageMode.Operate, "flying");
        _time.Advance(TimeSpan.FromSeconds(30));
        accountant.SetMode(UsageMode.Fault); // the old call: no product mode from here on
        _time.Advance(TimeSpan.FromSeconds(10));

        var summary = accountant.TakeSummary();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((30.0, 10.0), (summary.OperateS, summary.FaultS));
        Assert.Equal(new Dictionary<string, double> { ["flying"] = 30 }, summary.Modes);
        Assert.Null(accountant.ProductMode);
        Assert.Null(accountant.TakeSummary().Modes);
        Assert.DoesNotContain("modes", new UsageAccountant(_time, _usage).TakeSummary().ToJson().GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void SetMode_BlankProductMode_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new UsageAccountant(_time, _usage).SetMode(UsageMode.Idle, " "));
}
