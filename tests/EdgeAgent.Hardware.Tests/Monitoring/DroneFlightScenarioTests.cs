using EdgeAgent.Core.Modes;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hardware.Tests.Monitoring;

/// <summary>
/// A drone flight replayed from a trace file through the shipped <c>drone.json</c> on the simulated board
/// (<see cref="MonitorScenario"/>; stepped every 100 ms, the IMU's and the rangefinder's period; modes every 1 s). The
/// rules it exercises, from the profile: charging = <c>pack.ch1_v</c> (latest) &gt; 2.5, enter 10 s; flying =
/// <c>motor.current_a</c> mean over 3 s &gt; 5 and any of <c>gnss.speed_mps</c> &gt; 1, <c>gnss.altitude_rel_m</c> &gt; 2,
/// <c>landing.distance_m</c> &gt; 0.5 (each the latest sample, at most 2 s old), enter 3 s, a session; armed = the mean
/// current &gt; 0.8, enter 2 s; else standby at once. <c>motor.overcurrent</c>: above 50 A for 2 s, cleared below 40 A.
/// </summary>
public sealed class DroneFlightScenarioTests : IDisposable
{
    private const long S = 1000;
    private const double Lat = 30.2460, Lon = 120.1570, Ground = 8.0; // the West Lake pilot site, 8 m above sea level

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Height above the take-off point, in mm, at trace time <paramref name="ms"/>: climb 1 m/s, cruise at 60 m, descend 1 m/s.</summary>
    private static long HeightMm(long ms) => ms switch
    {
        < 120 * S => 0,
        < 180 * S => ms - (120 * S),
        < 900 * S => 60 * S,
        < 960 * S => (960 * S) - ms,
        _ => 0,
    };

    /// <summary>
    /// The trace (1500 s). motor (INA219) every 200 ms, landing (VL53L0X, down) and imu every 100 ms, gnss and pack
    /// (ADS1115) every 1 s.
    /// <code>
    ///    0 -   60 s  on the pad, disarmed: 0 A; GNSS fix at 8 m, 0 m/s; the ground 0.05 m under the rangefinder
    ///   60 -  120 s  armed, props idling: 1.5 A
    ///  120 -  180 s  take-off, straight up at 1 m/s to 60 m: 14 A
    ///  180 -  900 s  cruise at 60 m, 8 m/s ground speed: 14 A; a 1.6 s gust at 300 s and a 4 s climb at 500 s draw 55 A
    ///  900 -  960 s  descent at 1 m/s while closing on the dock at 2 m/s: 10 A
    ///  960 - 1020 s  landed, props idling: 1.5 A
    /// 1020 - 1080 s  disarmed: 0 A
    /// 1080 - 1500 s  lifted onto the dock: pack.ch1 (charge contacts) 3.3 V
    /// </code>
    /// The rangefinder reads the height + 0.05 m up to 2 m and gives no reading beyond (a <c>"valid": false</c> line).
    /// </summary>
    private string DroneFlight()
    {
        var trace = new TraceWriter("drone", "a drone flight: arm, take off, cruise, land, dock");
        trace.Sensor("imu", 100).Constant(0, 1500 * S, TraceSample.Motion(az: 1.0, tempC: 45));
        trace.Sensor("gnss", 1000).Segment(0, 1500 * S, ms => TraceSample.Gnss(Lat, Lon, Ground + (HeightMm(ms) / 1000.0), ms switch
        {
            >= 180 * S and < 900 * S => 8,
            >= 900 * S and < 960 * S => 2,
            _ => 0,
        }, sats: 12));
        trace.Sensor("motor", 200)
            .Constant(0, 60 * S, TraceSample.Power(16.4, 0))
            .Constant(60 * S, 120 * S, TraceSample.Power(16.4, 1.5))
            .Constant(120 * S, 300 * S, TraceSample.Power(16.0, 14))
            .Constant(300 * S, 301_600, TraceSample.Power(15.6, 55))
            .Constant(301_600, 500 * S, TraceSample.Power(16.0, 14))
            .Constant(500 * S, 504 * S, TraceSample.Power(15.6, 55))
            .Constant(504 * S, 900 * S, TraceSample.Power(15.8, 14))
            .Constant(900 * S, 960 * S, TraceSample.Power(15.8, 10))
            .Constant(960 * S, 1020 * S, TraceSample.Power(15.4, 1.5))
            .Constant(1020 * S, 1500 * S, TraceSample.Power(15.4, 0));
        trace.Sensor("pack", 1000)
            .Constant(0, 120 * S, TraceSample.Adc(3.30, 0))
            .Constant(120 * S, 960 * S, TraceSample.Adc(3.10, 0))
            .Constant(960 * S, 1080 * S, TraceSample.Adc(3.05, 0))
            .Constant(1080 * S, 1500 * S, TraceSample.Adc(3.05, 3.30));
        trace.Sensor("landing", 100).Segment(0, 1500 * S, ms => HeightMm(ms) + 50 is var mm && mm <= 2000
            ? TraceSample.Distance(mm / 1000.0)
            : TraceSample.Invalid("distance"));
        var path = _dir.Combine("drone-flight.jsonl");
        // 15,000 imu + 1,500 gnss + 7,500 motor + 1,500 pack + 15,000 landing lines + the header.
        Assert.Equal(40_501, trace.Write(path));
        return path;
    }

    [Fact]
    public void DroneFlight_ModesUsageSessionAndOvercurrent_MatchTheHandCount()
    {
        var run = MonitorScenario.Replay("drone", DroneFlight(), 1500 * S);

        // The mean current over [t - 3, t] is over 16 motor samples (t - 3.0, t - 2.8, ..., t).
        //  armed: k samples of 1.5 A (the rest 0) give 1.5 k / 16 > 0.8 iff k >= 9. 1.5 A from 60.0: at t = 61 k = 6
        //  (60.0..61.0, mean 0.5625), at t = 62 k = 11 (1.03)                              -> armed candidate at 62, enter 2 s -> armed at 64
        //  flying: k samples of 14 A and 16 - k of 1.5 A: 12.5 k + 24 > 80 iff k >= 5. 14 A from 120.0: t = 120 k = 1
        //  (2.28), t = 121 k = 6 (99 / 16 = 6.19). Moving or off the ground at 121: the rangefinder's 121.0 line reads
        //  1.05 m > 0.5; at 122 its latest reading is 121.9's 1.95 m (0.1 s old; 122.0 on is out of range), at 123 that
        //  is 1.1 s old and the GNSS height is 3 m > 2, from 124 on the height alone      -> flying candidate at 121, enter 3 s -> flying at 124
        //  the 55 A gust and climb only raise the mean; 900-959 s the descent keeps 2 m/s ground speed > 1.
        //  t = 960 (landed): the mean is (15 x 10 + 1.5) / 16 = 9.47 > 5, but 0 m/s, 0 m high and 0.05 m to the ground:
        //  none of the any-conditions holds; armed holds                                    -> armed candidate at 960, enter 2 s -> armed at 962
        //  disarmed at 1020: at t = 1021 the 1.5 A samples in [1018, 1021] are 1018.0..1019.8, k = 10 (0.94 > 0.8); at
        //  t = 1022 [1019, 1022] holds 1019.0..1019.8, k = 5 (0.47)                        -> standby at once at 1022
        //  on the dock from 1080: pack.ch1_v 3.3 V > 2.5 at the 1080.0 sample              -> charging candidate at 1080, enter 10 s -> charging at 1090
        Assert.Equal([("armed", 64 * S), ("flying", 124 * S), ("armed", 962 * S), ("standby", 1022 * S), ("charging", 1090 * S)], run.Switches);

        // standby 0-64 + 1022-1090 = 64 + 68 = 132; armed 64-124 + 962-1022 = 60 + 60 = 120; flying 124-962 = 838;
        // charging 1090-1500 = 410.   132 + 120 + 838 + 410 = 1500.
        var summary = run.Summary;
        Assert.Equal(new Dictionary<string, double> { ["armed"] = 120, ["charging"] = 410, ["flying"] = 838, ["standby"] = 132 }, summary.Modes);
        // operate = flying 838 (armed is idle in this profile: the motors turn but nothing is flown); idle = standby +
        // armed = 132 + 120 = 252; charge 410; fault 0.
        Assert.Equal((1500.0, 838.0, 252.0, 410.0, 0.0), (summary.PeriodS, summary.OperateS, summary.IdleS, summary.ChargeS, summary.FaultS));

        var session = Assert.Single(run.Sessions);
        Assert.Equal(new SessionData("flying", "operate", 124_000, 962_000, 838, SessionData.EndedBySwitch, "armed"), session);

        // motor.overcurrent: above 50 A on every sample for 2 s. The gust's 55 A samples are 300.0..301.4: the run lasts
        // 1.4 s, then 14 A at 301.6 ends it: nothing. The climb's are 500.0..503.8: the run has lasted 2 s at the 502.0
        // sample -> raised at 502.0; 14 A < 40 at 504.0 -> cleared at 504.0. The pack stays above 2.79 V (no
        // battery.low) and the IMU at 45 °C (no temperature.high). The session record follows at 962.
        Assert.Equal([("fault.raised", "motor.overcurrent", 502 * S), ("fault.cleared", "motor.overcurrent", 504 * S)], run.Faults);
        Assert.Equal(["fault.raised", "fault.cleared", "session"], run.Records.Select(r => r.Type));
        Assert.Equal(962 * S, run.Records[2].AtMs);
        var raised = run.Records[0].Record.Data;
        Assert.Equal(("motor", "actuator", "error", true), (raised.GetProperty("sensor").GetString(), raised.GetProperty("subsystem").GetString(),
            raised.GetProperty("severity").GetString(), raised.GetProperty("relevant").GetBoolean()));
        Assert.Equal("motor.current_a 55 above 50 for 2 s", raised.GetProperty("detail").GetString());
    }
}
