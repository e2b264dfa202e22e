using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Usage;
using static EdgeAgent.Core.Tests.Modes.ScenarioRun;

namespace EdgeAgent.Core.Tests.Modes;

/// <summary>
/// A compressed glasses day, drone flight and robot shift, 1 Hz samples and 1 s evaluations (see
/// <see cref="ScenarioRun"/>), through the mode rules the shipped product profiles are meant to carry (written here
/// as C# objects; the JSON each mirrors is in its comment). Every expected second is worked out by hand below from
/// the contract's rules: a window [now - w, now] is inclusive at both ends (w = 10 s at 1 Hz holds 11 samples); a
/// state is entered at the evaluation where it has been the candidate for enter_s (candidate first at t0, enter_s 3:
/// switch at t0 + 3); the default is entered at once; the seconds before a switch count to the mode before it.
/// </summary>
public sealed class ProductScenarioTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <code>
    /// "modes": { "evaluate_ms": 1000, "default": { "name": "standby", "class": "idle" }, "states": [
    ///   { "name": "charging", "class": "charge", "enter_s": 5, "all": [ { "signal": "battery.charge_rate_pct_h", "op": ">", "value": 1.0 } ] },
    ///   { "name": "active", "class": "operate", "enter_s": 3, "session": true,
    ///     "all": [ { "signal": "imu.motion_g", "stat": "stddev", "window_s": 10, "op": ">", "value": 0.02 } ],
    ///     "any": [ { "signal": "camera.active", "op": ">=", "value": 1 }, { "signal": "mic.active", "op": ">=", "value": 1 } ] },
    ///   { "name": "worn", "class": "idle", "enter_s": 3, "all": [ { "signal": "imu.motion_g", "stat": "stddev", "window_s": 10, "op": ">", "value": 0.02 } ] } ] }
    /// </code>
    /// </summary>
    internal static ModeSpec Glasses()
    {
        var onHead = new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02, SignalStat.StdDev, TimeSpan.FromSeconds(10));
        return new ModeSpec(TimeSpan.FromMilliseconds(1000), new ModeDefault("standby", UsageMode.Idle),
        [
            new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1.0)], enter: 5 * Second),
            new ModeState("active", UsageMode.Operate, all: [onHead],
                any: [new Condition("camera.active", ConditionOp.GreaterOrEqual, 1), new Condition("mic.active", ConditionOp.GreaterOrEqual, 1)],
                enter: 3 * Second, session: true),
            new ModeState("worn", UsageMode.Idle, all: [onHead], enter: 3 * Second),
        ]);
    }

    /// <summary>
    /// <code>
    /// "modes": { "evaluate_ms": 1000, "default": { "name": "standby", "class": "idle" }, "states": [
    ///   { "name": "charging", "class": "charge", "enter_s": 5, "all": [ { "signal": "battery.charge_rate_pct_h", "op": ">", "value": 1.0 } ] },
    ///   { "name": "flying", "class": "operate", "enter_s": 2, "session": true,
    ///     "all": [ { "signal": "power.current_a", "stat": "mean", "window_s": 3, "op": ">", "value": 5 } ],
    ///     "any": [ { "signal": "gnss.altitude_rel_m", "op": ">", "value": 2 }, { "signal": "gnss.speed_mps", "op": ">", "value": 3 } ] },
    ///   { "name": "armed", "class": "operate", "enter_s": 1, "all": [ { "signal": "power.current_a", "op": ">", "value": 1.0 } ] } ] }
    /// </code>
    /// Armed counts as operate: the motors turn (motor hours), but only flights are sessions.
    /// </summary>
    internal static ModeSpec Drone() => new(TimeSpan.FromMilliseconds(1000), new ModeDefault("standby", UsageMode.Idle),
    [
        new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1.0)], enter: 5 * Second),
        new ModeState("flying", UsageMode.Operate,
            all: [new Condition("power.current_a", ConditionOp.GreaterThan, 5, SignalStat.Mean, TimeSpan.FromSeconds(3))],
            any: [new Condition("gnss.altitude_rel_m", ConditionOp.GreaterThan, 2), new Condition("gnss.speed_mps", ConditionOp.GreaterThan, 3)],
            enter: 2 * Second, session: true),
        new ModeState("armed", UsageMode.Operate, all: [new Condition("power.current_a", ConditionOp.GreaterThan, 1.0)], enter: 1 * Second),
    ]);

    /// <summary>
    /// <code>
    /// "modes": { "evaluate_ms": 1000, "default": { "name": "idle", "class": "idle" }, "states": [
    ///   { "name": "charging", "class": "charge", "enter_s": 10, "all": [ { "signal": "battery.charge_rate_pct_h", "op": ">", "value": 1.0 } ] },
    ///   { "name": "stalled", "class": "fault", "enter_s": 2, "all": [ { "signal": "drive.current_a", "op": ">", "value": 6 } ] },
    ///   { "name": "operating", "class": "operate", "enter_s": 3, "session": true,
    ///     "any": [ { "signal": "servo.activity", "stat": "max", "window_s": 10, "op": ">", "value": 0.05 },
    ///              { "signal": "drive.current_a", "stat": "mean", "window_s": 5, "op": ">", "value": 1.0 } ] } ] }
    /// </code>
    /// </summary>
    internal static ModeSpec Robot() => new(TimeSpan.FromMilliseconds(1000), new ModeDefault("idle", UsageMode.Idle),
    [
        new ModeState("charging", UsageMode.Charge, all: [new Condition("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1.0)], enter: 10 * Second),
        new ModeState("stalled", UsageMode.Fault, all: [new Condition("drive.current_a", ConditionOp.GreaterThan, 6)], enter: 2 * Second),
        new ModeState("operating", UsageMode.Operate,
            any:
            [
                new Condition("servo.activity", ConditionOp.GreaterThan, 0.05, SignalStat.Max, TimeSpan.FromSeconds(10)),
                new Condition("drive.current_a", ConditionOp.GreaterThan, 1.0, SignalStat.Mean, TimeSpan.FromSeconds(5)),
            ],
            enter: 3 * Second, session: true),
    ]);

    [Fact]
    public void GlassesDay_SecondsPerClassAndModeAndSessions_MatchTheHandCount()
    {
        // 0-59 on the desk (motion 0), 60-359 worn (motion alternates 0.1 on even seconds, 0 on odd ones), camera
        // 180-299 and 340-341 (a 2 s flash), mic 320-329, 360-419 on the desk again, on the charger from 420. 600 s.
        var signals = new Dictionary<string, SignalAt>
        {
            ["imu.motion_g"] = Piecewise((60, 360, t => t % 2 == 0 ? 0.1 : 0.0), (0, 600, Constant(0.0))),
            ["camera.active"] = Piecewise((180, 300, Constant(1)), (340, 342, Constant(1)), (0, 600, Constant(0))),
            ["mic.active"] = Piecewise((320, 330, Constant(1)), (0, 600, Constant(0))),
            ["battery.charge_rate_pct_h"] = Piecewise((420, 600, Constant(20)), (0, 600, Constant(-0.5))),
        };

        var run = Play(Glasses(), signals, end: 600);

        // stddev over 11 samples, k of them 0.1 and the rest 0: 0.1 * sqrt(p (1 - p)) with p = k / 11; for k = 1..10
        // that is at least 0.1 * sqrt(10 / 121) = 0.0287 > 0.02; for k = 0 it is 0. So "on head" holds exactly while
        // the window [t - 10, t] holds an even second of 60..358.
        //  t =  60: first 0.1 in the window       -> worn candidate, enter 3 s -> worn at 63
        //  t = 180: camera on (and on head)       -> active candidate           -> active at 183
        //  t = 300: camera off                    -> worn candidate             -> worn at 303
        //  t = 320: mic on                        -> active at 323; t = 330 mic off -> worn at 333
        //  t = 340, 341: camera flash of 2 s: active is the candidate at 340 and 341 only (3 s needed) -> no switch
        //  t = 369: the last 0.1 (t = 358) has left the window [359, 369] -> standby candidate, the default: at once
        //  t = 420: charging +20 %/h -> charging candidate, enter 5 s -> charging at 425
        Assert.Equal([("worn", 63), ("active", 183), ("worn", 303), ("active", 323), ("worn", 333), ("standby", 369), ("charging", 425)], run.Switches);

        var summary = Assert.Single(run.Summaries);
        // standby 0-63 + 369-425 = 63 + 56 = 119; worn 63-183 + 303-323 + 333-369 = 120 + 20 + 36 = 176;
        // active 183-303 + 323-333 = 120 + 10 = 130; charging 425-600 = 175.   119 + 176 + 130 + 175 = 600.
        Assert.Equal(new Dictionary<string, double> { ["active"] = 130, ["charging"] = 175, ["standby"] = 119, ["worn"] = 176 }, summary.Modes);
        // operate = active 130; idle = standby + worn = 119 + 176 = 295; charge 175; fault 0.
        Assert.Equal((600.0, 130.0, 295.0, 175.0, 0.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        Assert.Equal(
        [
            new SessionData("active", "operate", 183_000, 303_000, 120.0, SessionData.EndedBySwitch, "worn"),
            new SessionData("active", "operate", 323_000, 333_000, 10.0, SessionData.EndedBySwitch, "worn"),
        ], run.Sessions);
    }

    [Fact]
    public void DroneFlight_SecondsPerClassAndModeAndSessions_MatchTheHandCount()
    {
        // 0-29 standby (0.2 A), 30-59 armed on the ground (2 A), 60-69 takeoff (12 A, climbing 0.5 m/s), 70-189 flying
        // (10 A, 5 m, 6 m/s to 179, then hovering), one bad GNSS fix at 120 (1.5 m, 0.5 m/s), 190-199 landing (7 A,
        // descending 0.5 m/s, 0.5 m/s ground speed), 200-219 on the ground with motors idling (2 A), 220 disarmed
        // (0.2 A), on the charger from 240 (+30 %/h). 300 s.
        var signals = new Dictionary<string, SignalAt>
        {
            ["power.current_a"] = Piecewise((30, 60, Constant(2.0)), (60, 70, Constant(12)), (70, 190, Constant(10)), (190, 200, Constant(7)),
                (200, 220, Constant(2.0)), (0, 300, Constant(0.2))),
            ["gnss.altitude_rel_m"] = Piecewise((60, 70, t => 0.5 * (t - 59)), (120, 121, Constant(1.5)), (70, 190, Constant(5)),
                (190, 200, t => 5 - (0.5 * (t - 189))), (0, 300, Constant(0))),
            ["gnss.speed_mps"] = Piecewise((120, 121, Constant(0.5)), (70, 180, Constant(6)), (190, 200, Constant(0.5)), (0, 300, Constant(0))),
            ["battery.charge_rate_pct_h"] = Piecewise((240, 300, Constant(30)), (0, 300, Constant(-5))),
        };

        var run = Play(Drone(), signals, end: 300);

        //  t =  30: 2 A > 1 -> armed candidate, enter 1 s -> armed at 31
        //  t =  61: mean current over [58, 61] = (2 + 2 + 12 + 12) / 4 = 7 > 5 (at 60: (2 + 2 + 2 + 12) / 4 = 4.5, no),
        //           but altitude 0.5 * (61 - 59) = 1 m, speed 0: not flying yet
        //  t =  64: altitude 0.5 * 5 = 2.5 > 2 (at 63 it is 2.0, not > 2) -> flying candidate, enter 2 s -> flying at 66
        //  t = 120: bad fix (1.5 m, 0.5 m/s): armed is the candidate for one evaluation; at 121 flying again -> no switch
        //  t = 190: mean over [187, 190] = (10 + 10 + 10 + 7) / 4 = 9.25 > 5, altitude 4.5: still flying
        //  t = 195: altitude 5 - 0.5 * 6 = 2.0, not > 2; speed 0.5: not flying; 7 A -> armed candidate -> armed at 196
        //  t = 220: 0.2 A: not armed; mean over [217, 220] = (2 + 2 + 2 + 0.2) / 4 = 1.55: not flying -> standby at once
        //  t = 240: +30 %/h -> charging candidate, enter 5 s -> charging at 245
        Assert.Equal([("armed", 31), ("flying", 66), ("armed", 196), ("standby", 220), ("charging", 245)], run.Switches);

        var summary = Assert.Single(run.Summaries);
        // standby 0-31 + 220-245 = 31 + 25 = 56; armed 31-66 + 196-220 = 35 + 24 = 59; flying 66-196 = 130;
        // charging 245-300 = 55.   56 + 59 + 130 + 55 = 300.
        Assert.Equal(new Dictionary<string, double> { ["armed"] = 59, ["charging"] = 55, ["flying"] = 130, ["standby"] = 56 }, summary.Modes);
        // operate = armed + flying = 59 + 130 = 189; idle = standby 56; charge 55; fault 0.
        Assert.Equal((300.0, 189.0, 56.0, 55.0, 0.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        // One flight: 66-196 = 130 s.
        Assert.Equal([new SessionData("flying", "operate", 66_000, 196_000, 130.0, SessionData.EndedBySwitch, "armed")], run.Sessions);
    }

    [Fact]
    public void RobotShift_TwoSummaryIntervals_SecondsPerClassAndModeAndSessionsMatchTheHandCount()
    {
        // 0-59 idle (drive 0.3 A, servos still), 60-119 driving (2.5 A), 120-179 servo bursts (activity 0.4 for 3 s
        // every 10 s: 120-122, 130-132, ..., 170-172) standing still, 180-209 idle, 210-219 wheel stalled (7 A),
        // 220-239 driving again, 240 idle, on the charger from 270 (+25 %/h). 360 s, a summary after second 200.
        var signals = new Dictionary<string, SignalAt>
        {
            ["drive.current_a"] = Piecewise((60, 120, Constant(2.5)), (210, 220, Constant(7.0)), (220, 240, Constant(2.5)), (0, 360, Constant(0.3))),
            ["servo.activity"] = Piecewise((120, 180, t => (t - 120) % 10 < 3 ? 0.4 : 0.0), (0, 360, Constant(0.0))),
            ["battery.charge_rate_pct_h"] = Piecewise((270, 360, Constant(25)), (0, 360, Constant(-2))),
        };

        var run = Play(Robot(), signals, end: 360, 200);

        // Drive mean over [t - 5, t] (6 samples):
        //  t =  60: (5 * 0.3 + 2.5) / 6 = 0.667, no;  t = 61: (4 * 0.3 + 2 * 2.5) / 6 = 1.033 > 1 -> operating at 64
        //  t = 120-182: a servo burst second lies in [t - 10, t] (bursts are 8 s apart: 122 -> 130), max 0.4 > 0.05
        //  t = 183: last burst second 172 has left [173, 183]; drive mean 0.3 -> idle at once
        //  t = 210: 7 A > 6 -> stalled candidate (it comes before operating) -> stalled at 212
        //  t = 220: 2.5 A: not stalled; drive mean (5 * 7 + 2.5) / 6 = 6.25 -> operating candidate -> operating at 223
        //  t = 243: (2 * 2.5 + 4 * 0.3) / 6 = 1.033, still; t = 244: (2.5 + 5 * 0.3) / 6 = 0.667 -> idle at once
        //  t = 270: +25 %/h -> charging candidate, enter 10 s -> charging at 280
        Assert.Equal([("operating", 64), ("idle", 183), ("stalled", 212), ("operating", 223), ("idle", 244), ("charging", 280)], run.Switches);

        Assert.Equal(2, run.Summaries.Count);
        var (first, second) = (run.Summaries[0], run.Summaries[1]);
        // [0, 200]: idle 0-64 + 183-200 = 64 + 17 = 81; operating 64-183 = 119.   81 + 119 = 200.
        Assert.Equal(new Dictionary<string, double> { ["idle"] = 81, ["operating"] = 119 }, first.Modes);
        Assert.Equal((200.0, 119.0, 81.0, 0.0, 0.0), (first.PeriodS, first.OperateS, first.IdleS, first.ChargeS, first.FaultS));
        // [200, 360]: idle 200-212 + 244-280 = 12 + 36 = 48; stalled 212-223 = 11; operating 223-244 = 21;
        // charging 280-360 = 80.   48 + 11 + 21 + 80 = 160.
        Assert.Equal(new Dictionary<string, double> { ["charging"] = 80, ["idle"] = 48, ["operating"] = 21, ["stalled"] = 11 }, second.Modes);
        Assert.Equal((160.0, 21.0, 48.0, 80.0, 11.0), (second.PeriodS, second.OperateS, second.IdleS, second.ChargeS, second.FaultS));

        Assert.Equal(
        [
            new SessionData("operating", "operate", 64_000, 183_000, 119.0, SessionData.EndedBySwitch, "idle"),
            new SessionData("operating", "operate", 223_000, 244_000, 21.0, SessionData.EndedBySwitch, "idle"),
        ], run.Sessions);
    }
}
