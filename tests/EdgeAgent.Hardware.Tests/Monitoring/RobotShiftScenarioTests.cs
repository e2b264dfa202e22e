using EdgeAgent.Core.Modes;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hardware.Tests.Monitoring;

/// <summary>
/// A service robot's shift replayed from a trace file through the shipped <c>service-robot.json</c> on the simulated
/// board (<see cref="MonitorScenario"/>; stepped every 100 ms, the bumper's period; modes every 1 s). The rules, from
/// the profile: charging = <c>adc.ch1_v</c> (latest) &gt; 2.5, enter 10 s; operating = any of <c>servo.activity</c>
/// mean over 5 s &gt; 0.01 /s and <c>drive.current_a</c> mean over 5 s &gt; 0.5 A, enter 2 s, a session; else standby at
/// once. Faults: <c>battery.low</c> <c>adc.ch0_v</c> below 2.79 V for 10 s, cleared above 2.99 V;
/// <c>drive.overcurrent</c> above 15 A for 1 s, cleared below 10 A.
/// </summary>
public sealed class RobotShiftScenarioTests : IDisposable
{
    private const long S = 1000;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The trace (2400 s). servo (PCA9685, ch0 head, ch1 arm) and drive (INA219) every 200 ms, bumper every 100 ms,
    /// adc (ch0 pack, ch1 dock contacts) every 1 s, env every 5 s.
    /// <code>
    ///    0 -  200 s  standing: servos held (duty 0.05, 0.075), drive 0 A; pack 3.10 V
    ///  200 -  500 s  greeting a visitor: the head turns, ch0 alternating 0.10 / 0.05 (0.10 at 200.0), the arm holds
    ///  500 -  900 s  standing
    ///  900 - 1500 s  a delivery run: drive 2 A; a wheel stalls at 1200 s for 1.6 s (18 A); the pack sags: 3.00 V from
    ///                900, a 5 s dip to 2.75 V at 1300 (a load step), 2.85 V from 1305, 2.70 V from 1400
    /// 1500 - 1560 s  standing, empty
    /// 1560 - 2100 s  on the dock: ch1 3.3 V; the pack 2.85 V, 3.05 V from 1700
    /// 2100 - 2400 s  off the dock, standing: pack 3.10 V
    /// </code>
    /// </summary>
    private string RobotShift()
    {
        var trace = new TraceWriter("service-robot", "a robot shift: greeting, delivery, stall, dock");
        var held = TraceSample.Pwm(0.05, 0.075);
        trace.Sensor("servo", 200)
            .Constant(0, 200 * S, held)
            .Alternating(200 * S, 500 * S, TraceSample.Pwm(0.10, 0.075), held)
            .Constant(500 * S, 2400 * S, held);
        trace.Sensor("drive", 200)
            .Constant(0, 900 * S, TraceSample.Power(16.2, 0))
            .Constant(900 * S, 1200 * S, TraceSample.Power(15.9, 2.0))
            .Constant(1200 * S, 1_201_600, TraceSample.Power(15.1, 18))
            .Constant(1_201_600, 1500 * S, TraceSample.Power(15.6, 2.0))
            .Constant(1500 * S, 2400 * S, TraceSample.Power(15.6, 0));
        trace.Sensor("adc", 1000)
            .Constant(0, 900 * S, TraceSample.Adc(3.10, 0))
            .Constant(900 * S, 1300 * S, TraceSample.Adc(3.00, 0))
            .Constant(1300 * S, 1305 * S, TraceSample.Adc(2.75, 0))
            .Constant(1305 * S, 1400 * S, TraceSample.Adc(2.85, 0))
            .Constant(1400 * S, 1560 * S, TraceSample.Adc(2.70, 0))
            .Constant(1560 * S, 1700 * S, TraceSample.Adc(2.85, 3.30))
            .Constant(1700 * S, 2100 * S, TraceSample.Adc(3.05, 3.30))
            .Constant(2100 * S, 2400 * S, TraceSample.Adc(3.10, 0));
        trace.Sensor("bumper", 100).Constant(0, 2400 * S, TraceSample.Distance(1.20));
        trace.Sensor("env", 5000).Constant(0, 2400 * S, TraceSample.Environment(28, humidityPct: 40));
        var path = _dir.Combine("robot-shift.jsonl");
        // 12,000 servo + 12,000 drive + 2,400 adc + 24,000 bumper + 480 env lines + the header.
        Assert.Equal(50_881, trace.Write(path));
        return path;
    }

    [Fact]
    public void RobotShift_TwoSessionsIdleGapsChargingAndFaults_MatchTheHandCount()
    {
        var run = MonitorScenario.Replay("service-robot", RobotShift(), 2400 * S);

        // A 5 s mean is over 26 samples at 200 ms ([t - 5, t]: t - 5.0, t - 4.8, ..., t).
        //  servo.activity is sum |duty change| / 0.2 s: 0.05 / 0.2 = 0.25 /s on every sample of the greeting
        //  (200.0..499.8), 0 while held. k samples of 0.25: 0.25 k / 26 > 0.01 iff k >= 2 (k = 1: 0.0096).
        //  t = 200: k = 1; t = 201: k = 6 (0.058)                         -> operating candidate at 201, enter 2 s -> operating at 203
        //  the last 0.25 is at 499.8 (the 500.0 sample is held again): t = 504 [499, 504] k = 5; t = 505 [500, 505]
        //  k = 0, and the drive is at 0 A                                 -> standby at once at 505
        //  drive: k samples of 2 A: 2 k / 26 > 0.5 iff k >= 7. 2 A from 900.0: t = 901 k = 6 (0.46), t = 902 k = 11 (0.85)
        //                                                                 -> operating candidate at 902, enter 2 s -> operating at 904
        //  the stall only raises the mean. The last 2 A sample is 1499.8: t = 1503 [1498, 1503] k = 10 (0.77);
        //  t = 1504 [1499, 1504] k = 5 (0.38)                             -> standby at once at 1504
        //  docked: adc.ch1_v 3.3 V > 2.5 from the 1560.0 sample           -> charging candidate at 1560, enter 10 s -> charging at 1570
        //  undocked: ch1 0 V at the 2100.0 sample                         -> standby at once at 2100
        Assert.Equal(
            [("operating", 203 * S), ("standby", 505 * S), ("operating", 904 * S), ("standby", 1504 * S), ("charging", 1570 * S), ("standby", 2100 * S)],
            run.Switches);

        // standby 0-203 + 505-904 + 1504-1570 + 2100-2400 = 203 + 399 + 66 + 300 = 968; operating 203-505 + 904-1504 =
        // 302 + 600 = 902; charging 1570-2100 = 530.   968 + 902 + 530 = 2400.
        var summary = run.Summary;
        Assert.Equal(new Dictionary<string, double> { ["charging"] = 530, ["operating"] = 902, ["standby"] = 968 }, summary.Modes);
        Assert.Equal((2400.0, 902.0, 968.0, 530.0, 0.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        Assert.Equal(
        [
            new SessionData("operating", "operate", 203_000, 505_000, 302, SessionData.EndedBySwitch, "standby"),
            new SessionData("operating", "operate", 904_000, 1_504_000, 600, SessionData.EndedBySwitch, "standby"),
        ], run.Sessions);

        // drive.overcurrent (> 15 A for 1 s): 18 A samples 1200.0..1201.4; the run has lasted 1 s at 1201.0 -> raised at
        // 1201.0; 2 A < 10 at 1201.6 -> cleared at 1201.6.
        // battery.low (< 2.79 V for 10 s, samples every 1 s): the dip's 2.75 V samples are 1300..1304, a run of 4 s,
        // ended by 2.85 V at 1305 (between the thresholds: no fault, and the run is over): nothing. 2.70 V from 1400: the
        // run has lasted 10 s at the 1410 sample -> raised at 1410. 2.85 V on the dock is between the thresholds: still
        // raised; 3.05 V > 2.99 at 1700 -> cleared at 1700.
        Assert.Equal(
        [
            ("fault.raised", "drive.overcurrent", 1_201_000), ("fault.cleared", "drive.overcurrent", 1_201_600),
            ("fault.raised", "battery.low", 1410 * S), ("fault.cleared", "battery.low", 1700 * S),
        ], run.Faults);
        // In the order written: the first session's record at 505, the stall's pair, the low battery at 1410, the second
        // session's record at 1504, the battery's clear at 1700.
        Assert.Equal(
            [(505 * S, "session"), (1_201_000, "fault.raised"), (1_201_600, "fault.cleared"), (1410 * S, "fault.raised"), (1504 * S, "session"), (1700 * S, "fault.cleared")],
            run.Records.Select(r => (r.AtMs, r.Type)));
        var low = run.Records[3].Record.Data;
        Assert.Equal(("adc", "power", false, "adc.ch0_v 2.7 below 2.79 for 10 s"), (low.GetProperty("sensor").GetString(), low.GetProperty("subsystem").GetString(),
            low.GetProperty("relevant").GetBoolean(), low.GetProperty("detail").GetString()));
    }
}
