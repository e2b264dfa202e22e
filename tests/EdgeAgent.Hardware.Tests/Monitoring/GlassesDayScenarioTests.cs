using EdgeAgent.Core.Modes;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hardware.Tests.Monitoring;

/// <summary>
/// A glasses day replayed from a trace file through the shipped <c>smart-glasses.json</c> on the simulated board: the
/// real rig, monitor, mode tracker, fault monitor and usage accountant (<see cref="MonitorScenario"/>), stepped every
/// 100 ms (the IMU's period, the shortest), modes evaluated every 1 s. Every expected number is worked out below from the
/// profile and the contract: a window <c>[t - w, t]</c> is inclusive at both ends; a state is entered at the evaluation
/// where it has been the candidate at every evaluation for <c>enter_s</c>; the default is entered at once; a fault with
/// <c>for_s</c> is raised at the sample where the raising run has lasted <c>for_s</c>, cleared at the first sample past
/// the clear threshold.
/// </summary>
public sealed class GlassesDayScenarioTests : IDisposable
{
    private const long S = 1000; // ms per second of trace time

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The trace (6000 s): IMU every 100 ms, env and battery every 5 s.
    /// <code>
    ///    0 -  300 s  on the desk: az 1.0 g (motion_g 0); battery -5 %/h; env 30 °C
    ///  300 - 3600 s  worn: az alternates 1.1 / 1.0 g, 1.1 at 300.0 s (motion_g 0.1, 0, 0.1, ...)
    /// 1500 - 2700 s  a pipeline gets camera frames every 1 s (touches at 1500, 1501, ..., 2699)
    /// 3600 - 3900 s  on the desk again, -5 %/h
    /// 3900 - 5400 s  on the charger: +20 %/h
    /// 4500 - 4800 s  env 47 °C (sun on the charger), else 30 °C
    /// 5400 - 6000 s  charged, off the charger's current: 0 %/h
    /// </code>
    /// </summary>
    private string GlassesDay()
    {
        var trace = new TraceWriter("smart-glasses", "a glasses day: desk, worn, camera, desk, charger");
        var still = TraceSample.Motion(az: 1.0);
        var moved = TraceSample.Motion(az: 1.1);
        trace.Sensor("imu", 100)
            .Constant(0, 300 * S, still)
            .Alternating(300 * S, 3600 * S, moved, still)
            .Constant(3600 * S, 6000 * S, still);
        trace.Sensor("env", 5000)
            .Constant(0, 4500 * S, TraceSample.Environment(30))
            .Constant(4500 * S, 4800 * S, TraceSample.Environment(47))
            .Constant(4800 * S, 6000 * S, TraceSample.Environment(30));
        trace.Sensor("battery", 5000)
            .Constant(0, 3900 * S, TraceSample.Battery(3.80, 50, -5))
            .Constant(3900 * S, 5400 * S, TraceSample.Battery(4.00, 50, 20))
            .Constant(5400 * S, 6000 * S, TraceSample.Battery(4.15, 50, 0));
        var path = _dir.Combine("glasses-day.jsonl");
        // 60,000 IMU + 1,200 env + 1,200 battery lines + the header.
        Assert.Equal(62_401, trace.Write(path));
        return path;
    }

    [Fact]
    public void GlassesDay_ModesUsageSessionsAndFaults_MatchTheHandCount()
    {
        var frames = new Dictionary<string, Func<long, bool>>
        {
            ["camera"] = ms => ms is >= 1500 * S and < 2700 * S && ms % S == 0,
        };

        var run = MonitorScenario.Replay("smart-glasses", GlassesDay(), 6000 * S, frames);

        // worn/active both need imu.motion_g stddev over [t - 10, t] > 0.02. The window holds 101 IMU samples
        // (t - 10.0, t - 9.9, ..., t); with m of them 0.1 and the rest 0 the stddev is 0.1 * sqrt(p (1 - p)), p = m / 101:
        // m = 4: 0.0195, m = 5: 0.0217. So on-head holds iff m >= 5 (and m <= 96; the alternation gives at most 51).
        //  t =  300: m = 1 (300.0)                                 -> standby stays the candidate
        //  t =  301: m = 6 (300.0, 300.2, ..., 301.0)              -> worn candidate; enter 3 s       -> worn at 304
        //  t = 1500: touch at 1500 -> camera.active 1 (its latest) -> active candidate; enter 3 s     -> active at 1503
        //  camera.active is 1 while the last touch (2699) is at most 2 s old: 1 at 2700 and 2701, 0 at 2702
        //  t = 2702: worn candidate; enter 3 s                                                        -> worn at 2705
        //  the last 0.1 sample is at 3599.8. t = 3609: [3599, 3609] holds 3599.0, .2, .4, .6, .8: m = 5, still on head;
        //  t = 3610: m = 0 -> standby, the default: at once                                           -> standby at 3610
        //  charging: battery.charge_rate_pct_h mean over [t - 30, t] > 1. At a multiple of 5 s the window holds 7
        //  battery samples (6 between): k of +20 and the rest -5 has mean > 1 iff 25 k - 35 > 7 (of 6: 25 k - 30 > 6), i.e.
        //  k >= 2. +20 samples from 3900: at 3904 [3874, 3904] has one (3900), at 3905 two (3900, 3905)
        //  t = 3905: charging candidate; enter 5 s                                                    -> charging at 3910
        //  from 5400 the rate is 0: the mean is 20 k / n > 1 iff k >= 1, i.e. while the last +20 sample (5395) is in the
        //  window: t - 30 <= 5395, t <= 5425. t = 5426: no motion either -> standby at once           -> standby at 5426
        Assert.Equal(
            [("worn", 304 * S), ("active", 1503 * S), ("worn", 2705 * S), ("standby", 3610 * S), ("charging", 3910 * S), ("standby", 5426 * S)],
            run.Switches);

        // standby 0-304 + 3610-3910 + 5426-6000 = 304 + 300 + 574 = 1178; worn 304-1503 + 2705-3610 = 1199 + 905 = 2104;
        // active 1503-2705 = 1202; charging 3910-5426 = 1516.   1178 + 2104 + 1202 + 1516 = 6000.
        var summary = run.Summary;
        Assert.Equal(new Dictionary<string, double> { ["active"] = 1202, ["charging"] = 1516, ["standby"] = 1178, ["worn"] = 2104 }, summary.Modes);
        // operate = active 1202; idle = standby + worn = 1178 + 2104 = 3282; charge = charging 1516; no fault-class mode.
        Assert.Equal((6000.0, 1202.0, 3282.0, 1516.0, 0.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        // active is the only session mode: one stay, 1503 s to 2705 s on the device clock made at the trace start.
        var session = Assert.Single(run.Sessions);
        Assert.Equal(new SessionData("active", "operate", 1_503_000, 2_705_000, 1202, SessionData.EndedBySwitch, "worn"), session);

        // temperature.high: env.temperature_c > 45 for 30 s, cleared below 42. 47 °C samples from 4500 s every 5 s: the
        // raising run starts at 4500 and has lasted 30 s at the sample at 4530 -> raised at 4530; the first 30 °C sample
        // is at 4800 -> cleared at 4800. battery.low (soc < 10 %) never: soc is 50 %. Every sensor opened: Start() wrote
        // nothing. So the records are exactly these, in this order, with the session between them.
        Assert.Equal(2705 * S, Assert.Single(run.Records, r => r.Type == SessionData.RecordType).AtMs);
        Assert.Equal([("fault.raised", "temperature.high", 4530 * S), ("fault.cleared", "temperature.high", 4800 * S)], run.Faults);
        Assert.Equal(["session", "fault.raised", "fault.cleared"], run.Records.Select(r => r.Type));
        var raised = run.Records[1].Record.Data;
        Assert.Equal(("env", 47.0, 45.0), (raised.GetProperty("sensor").GetString(), raised.GetProperty("value").GetDouble(), raised.GetProperty("threshold").GetDouble()));
    }
}
