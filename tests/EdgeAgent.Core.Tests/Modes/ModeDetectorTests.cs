using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Modes;

public sealed class ModeDetectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(ConditionOp.GreaterThan, 2.5, true)]
    [InlineData(ConditionOp.GreaterThan, 2.0, false)]    // equal is not more
    [InlineData(ConditionOp.GreaterThan, 1.5, false)]
    [InlineData(ConditionOp.GreaterOrEqual, 2.0, true)]
    [InlineData(ConditionOp.GreaterOrEqual, 1.5, false)]
    [InlineData(ConditionOp.LessThan, 1.5, true)]
    [InlineData(ConditionOp.LessThan, 2.0, false)]
    [InlineData(ConditionOp.LessOrEqual, 2.0, true)]
    [InlineData(ConditionOp.LessOrEqual, 2.5, false)]
    public void Holds_EachOp_ComparesTheStatisticWithTheValue(ConditionOp op, double statistic, bool expected)
    {
        var condition = new Condition("imu.motion_g", op, 2.0);

        Assert.Equal(expected, condition.Holds(statistic));
        Assert.False(condition.Holds(null)); // no sample: false whatever the op
    }

    [Fact]
    public void Evaluate_NoSampleOfASignal_ItsConditionIsFalseAndTheDefaultStays()
    {
        // "charging" needs battery.charge_rate_pct_h; "worn" is < 0.5 on a signal that never comes.
        var detector = new ModeDetector(Spec(
            new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1)]),
            new ModeState("worn", UsageMode.Idle, all: [new Condition("imu.motion_g", ConditionOp.LessThan, 0.5)])), _time);

        var evaluation = detector.Evaluate(_time.GetTimestamp());

        Assert.Equal(("standby", "standby", (ModeTransition?)null), (evaluation.Mode, evaluation.Candidate, evaluation.Transition));
    }

    [Fact]
    public void Evaluate_LatestSampleGoesStale_ConditionTurnsFalse()
    {
        // evaluate_ms 1000: a latest-only sample is usable up to 2 s old.
        var detector = new ModeDetector(Spec(new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1)])), _time);
        detector.Observe("battery.charge_rate_pct_h", 20, _time.GetTimestamp());

        Assert.Equal("charging", detector.Evaluate(_time.GetTimestamp()).Mode);   // 0 s old
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("charging", detector.Evaluate(_time.GetTimestamp()).Mode);   // 2 s old: still the latest
        _time.Advance(TimeSpan.FromSeconds(1));
        var stale = detector.Evaluate(_time.GetTimestamp());                        // 3 s old: stale, the gauge went quiet
        Assert.Equal(("standby", "charging", "standby"), (stale.Mode, stale.Transition!.From, stale.Transition.To));
    }

    [Fact]
    public void Evaluate_FirstMatchingStateInListOrder_IsTheCandidate()
    {
        // Both match a 2 A sample; "flying" is listed first.
        var detector = new ModeDetector(Spec(
            new ModeState("flying", UsageMode.Operate, all: [new Condition("power.current_a", ConditionOp.GreaterThan, 1)]),
            new ModeState("armed", UsageMode.Operate, all: [new Condition("power.current_a", ConditionOp.GreaterThan, 0.5)])), _time);
        detector.Observe("power.current_a", 2, _time.GetTimestamp());

        Assert.Equal("flying", detector.Evaluate(_time.GetTimestamp()).Candidate);
    }

    [Theory]
    // all: motion > 0.02; any: camera >= 1 or mic >= 1.
    [InlineData(0.05, 1.0, 0.0, true)]
    [InlineData(0.05, 0.0, 1.0, true)]
    [InlineData(0.05, 0.0, 0.0, false)]   // no "any" holds
    [InlineData(0.01, 1.0, 1.0, false)]   // the "all" fails
    public void Evaluate_AllAndAny_EveryAllAndOneAnyMustHold(double motion, double camera, double mic, bool active)
    {
        var detector = new ModeDetector(Spec(new ModeState("active", UsageMode.Operate,
            all: [new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02)],
            any: [new Condition("camera.active", ConditionOp.GreaterOrEqual, 1), new Condition("mic.active", ConditionOp.GreaterOrEqual, 1)])), _time);
        var now = _time.GetTimestamp();
        detector.Observe("imu.motion_g", motion, now);
        detector.Observe("camera.active", camera, now);
        detector.Observe("mic.active", mic, now);

        Assert.Equal(active ? "active" : "standby", detector.Evaluate(now).Mode);
    }

    [Theory]
    // Candidate per 1 s evaluation (A = "active" matches, . = default), enter_s 3, and the second the detector
    // switches (or -1). A switch needs the candidate at t0, t0 + 1, t0 + 2 and t0 + 3.
    [InlineData("AAAA....", 3)]           // A from 0: 3 - 0 = 3 s -> at 3
    [InlineData("AAA.....", -1)]          // 3 evaluations span only 2 s
    [InlineData("AA.AA.AA.AA.AA.", -1)]   // flapping: every gap restarts the count
    [InlineData("AA.AAAA..", 6)]          // restarts at 3 -> 3 + 3 = 6
    [InlineData("...AAAA", 6)]
    public void Evaluate_EnterDebounce_SwitchesOnlyAfterEnterSecondsOfCandidacy(string candidates, int switchAt)
    {
        var detector = new ModeDetector(Spec(new ModeState("active", UsageMode.Operate,
            all: [new Condition("camera.active", ConditionOp.GreaterOrEqual, 1)], enter: TimeSpan.FromSeconds(3))), _time);
        var switched = -1;
        for (var t = 0; t < candidates.Length; t++)
        {
            if (t > 0)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            detector.Observe("camera.active", candidates[t] == 'A' ? 1 : 0, _time.GetTimestamp());
            if (detector.Evaluate(_time.GetTimestamp()).Transition is { To: "active" } && switched < 0)
            {
                switched = t;
            }
        }

        Assert.Equal(switchAt, switched);
    }

    [Fact]
    public void Evaluate_CandidateChangesWhilePending_TheNewOneStartsItsOwnCount()
    {
        // worn (enter 3) is the candidate at 0 and 1, active (enter 3) from 2: active needs 2, 3, 4, 5.
        var detector = new ModeDetector(Spec(
            new ModeState("active", UsageMode.Operate, all: [new Condition("camera.active", ConditionOp.GreaterOrEqual, 1)], enter: TimeSpan.FromSeconds(3)),
            new ModeState("worn", UsageMode.Idle, all: [new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02)], enter: TimeSpan.FromSeconds(3))), _time);
        var modes = new List<string>();
        for (var t = 0; t <= 5; t++)
        {
            if (t > 0)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            detector.Observe("imu.motion_g", 0.05, _time.GetTimestamp());
            detector.Observe("camera.active", t >= 2 ? 1 : 0, _time.GetTimestamp());
            modes.Add(detector.Evaluate(_time.GetTimestamp()).Mode);
        }

        Assert.Equal(["standby", "standby", "standby", "standby", "standby", "active"], modes);
    }

    [Fact]
    public void Evaluate_ZeroEnterAndTheDefault_SwitchAtOnce()
    {
        var detector = new ModeDetector(Spec(new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1)])), _time);
        detector.Observe("battery.charge_rate_pct_h", 20, _time.GetTimestamp());
        var into = detector.Evaluate(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(1));
        detector.Observe("battery.charge_rate_pct_h", -3, _time.GetTimestamp());
        var back = detector.Evaluate(_time.GetTimestamp());

        Assert.Equal(new ModeTransition("standby", UsageMode.Idle, "charging", UsageMode.Charge, into.Transition!.Timestamp), into.Transition);
        Assert.Equal(("standby", UsageMode.Idle), (back.Mode, back.Class));
        Assert.Equal(_time.GetTimestamp(), back.Transition!.Timestamp); // at the evaluation, never back-dated
    }

    [Fact]
    public void Evaluate_TimestampGoesBack_IsRefused()
    {
        var detector = new ModeDetector(Spec(new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1)])), _time);
        detector.Evaluate(_time.GetTimestamp());

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Evaluate(_time.GetTimestamp() - 1));
    }

    private static ModeSpec Spec(params ModeState[] states) =>
        new(TimeSpan.FromMilliseconds(1000), new ModeDefault("standby", UsageMode.Idle), states);
}
