using EdgeAgent.Core.Replay;
using EdgeAgent.Hardware.Replay;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Signals;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Replay;

public sealed class ReplaySensorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _dir.Dispose();

    private string Trace(params string[] lines)
    {
        var path = Path.Combine(_dir.Path, "trace.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void TryRead_FollowsTheTraceOnTheClock_AndSkipsOtherSensors()
    {
        var path = Trace(
            """{"trace":"ea/v1/trace","product":"smart-glasses"}""",
            """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":21.5,"pressure_hpa":1013.2,"humidity_pct":40}""",
            """{"t_ms":500,"sensor":"imu","kind":"motion","ax_g":0,"ay_g":0,"az_g":1,"gx_dps":0,"gy_dps":0,"gz_dps":0}""",
            """{"t_ms":1000,"sensor":"env","kind":"environment","temp_c":22.0,"pressure_hpa":1013.0}""");
        using var env = ReplaySensors.Environment(path, "env", _time);

        Assert.True(env.TryRead(out var first));
        Assert.Equal(21.5, first.Temperature.DegreesCelsius, 9);
        Assert.Equal(40, first.Humidity!.Value.Percent, 9);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.True(env.TryRead(out var still));
        Assert.Equal(21.5, still.Temperature.DegreesCelsius, 9);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(env.TryRead(out var second));
        Assert.Equal(22.0, second.Temperature.DegreesCelsius, 9);
        Assert.Null(second.Humidity);
    }

    [Fact]
    public void TryRead_IsFalse_BeforeTheFirstLine_ForAFailedRead_AfterAGap_AndAfterTheEnd()
    {
        var path = Trace(
            """{"t_ms":1000,"sensor":"dist","kind":"distance","distance_m":0.42}""",
            """{"t_ms":2000,"sensor":"dist","kind":"distance","valid":false}""",
            """{"t_ms":3000,"sensor":"dist","kind":"distance","distance_m":0.40}""",
            """{"t_ms":9000,"sensor":"dist","kind":"distance","distance_m":0.30}""");
        using var dist = ReplaySensors.Distance(path, "dist", _time, TimeSpan.FromSeconds(2));

        Assert.False(dist.TryRead(out _)); // t = 0: nothing recorded yet
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(dist.TryRead(out var r));
        Assert.Equal(0.42, r.Distance.Meters, 9);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(dist.TryRead(out _)); // t = 2 s: the read failed then
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(dist.TryRead(out _)); // t = 3 s
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(dist.TryRead(out _)); // t = 5 s: the 3 s line is 2 s old, still standing
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(dist.TryRead(out _)); // older than 2 s: a gap is no data, never the held old value
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(dist.TryRead(out r)); // t = 9.001 s
        Assert.Equal(0.30, r.Distance.Meters, 9);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(dist.TryRead(out _)); // the trace ended
    }

    [Fact]
    public void Gnss_QualityZeroIsNoFix_AndTheProjectionTakesAltitudeFromTheFirstFix()
    {
        var path = Trace(
            """{"t_ms":0,"sensor":"gnss","kind":"gnss","lat_deg":30.25,"lon_deg":120.16,"alt_m":8,"speed_mps":0,"sats":0,"quality":0}""",
            """{"t_ms":1000,"sensor":"gnss","kind":"gnss","lat_deg":30.25,"lon_deg":120.16,"alt_m":10,"speed_mps":0,"sats":9}""",
            """{"t_ms":2000,"sensor":"gnss","kind":"gnss","lat_deg":30.25,"lon_deg":120.16,"alt_m":35.5,"speed_mps":6.2,"sats":11}""");
        using var channel = new SensorChannel<GnssReading>(ReplaySensors.Gnss(path, "gnss", _time), "gnss", TimeSpan.FromSeconds(1), SignalProjections.Gnss());
        var signals = new Dictionary<string, double>();
        void Sink(string s, double v, long t) => signals[s] = v;

        Assert.Equal(SampleOutcome.NoReading, channel.Sample(_time.GetTimestamp(), Sink));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SampleOutcome.Reading, channel.Sample(_time.GetTimestamp(), Sink));
        Assert.Equal(0, signals["gnss.altitude_rel_m"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SampleOutcome.Reading, channel.Sample(_time.GetTimestamp(), Sink));
        Assert.Equal(25.5, signals["gnss.altitude_rel_m"], 9); // 35.5 m - 10 m at the first fix
        Assert.Equal(6.2, signals["gnss.speed_mps"], 9);
        Assert.Equal(11, signals["gnss.satellites"]);
    }

    [Fact]
    public void Projections_MotionIsTheDeviationFromOneG_PwmActivityIsDutyChangePerSecond()
    {
        var path = Trace(
            """{"t_ms":0,"sensor":"imu","kind":"motion","ax_g":0.6,"ay_g":0,"az_g":0.8,"gx_dps":3,"gy_dps":4,"gz_dps":0}""",
            """{"t_ms":0,"sensor":"servo","kind":"pwm","duty":[0.05,0.10,0]}""",
            """{"t_ms":500,"sensor":"servo","kind":"pwm","duty":[0.075,0.05,0]}""");
        using var imu = new SensorChannel<MotionReading>(ReplaySensors.Motion(path, "imu", _time), "imu", TimeSpan.FromSeconds(1), SignalProjections.Motion);
        using var servo = new SensorChannel<PwmReading>(ReplaySensors.Pwm(path, "servo", _time), "pwm", TimeSpan.FromMilliseconds(500), SignalProjections.Pwm(_time));
        var signals = new Dictionary<string, double>();
        void Sink(string s, double v, long t) => signals[s] = v;

        imu.Sample(_time.GetTimestamp(), Sink);
        servo.Sample(_time.GetTimestamp(), Sink);
        Assert.Equal(0, signals["imu.motion_g"], 9); // |(0.6, 0, 0.8)| = 1 g: at rest, tilted
        Assert.Equal(5, signals["imu.rotation_dps"], 9); // |(3, 4, 0)| = 5 deg/s
        Assert.Equal(2, signals["servo.active_channels"]);
        Assert.False(signals.ContainsKey("servo.activity")); // no previous reading yet
        _time.Advance(TimeSpan.FromMilliseconds(500));
        servo.Sample(_time.GetTimestamp(), Sink);
        Assert.Equal(0.15, signals["servo.activity"], 9); // (|0.075-0.05| + |0.05-0.10|) / 0.5 s = 0.075 / 0.5
    }

    // The envelope (t_ms, sensor, kind, valid, header) is Core's TraceReader's: tests/EdgeAgent.Core.Tests/Replay.
    [Theory]
    [InlineData("env", """{"t_ms":0,"sensor":"env","kind":"environment","pressure_hpa":1}""", "field 'temp_c' is missing (a number)")]
    [InlineData("env", """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":"warm","pressure_hpa":1}""", "field 'temp_c' must be a number, not \"warm\"")]
    [InlineData("env", """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":20,"pressure_hpa":1,"humidity_pct":"dry"}""", "field 'humidity_pct' must be a number, not \"dry\"")]
    [InlineData("adc", """{"t_ms":0,"sensor":"adc","kind":"adc","ch_v":[]}""", "field 'ch_v' must be a non-empty array of numbers, not []")]
    [InlineData("servo", """{"t_ms":0,"sensor":"servo","kind":"pwm","duty":[0.5,1.5]}""", "field 'duty' must hold duty cycles from 0 to 1")]
    [InlineData("gnss", """{"t_ms":0,"sensor":"gnss","kind":"gnss","lat_deg":1,"lon_deg":2,"alt_m":3,"speed_mps":0,"sats":5,"quality":3}""", "field 'quality' must be a GGA fix quality")]
    [InlineData("gnss", """{"t_ms":0,"sensor":"gnss","kind":"gnss","lat_deg":1,"lon_deg":2,"alt_m":3,"speed_mps":0}""", "field 'sats' is missing (a number)")]
    public void BadField_NamesTheFileTheLineAndTheField(string sensor, string line, string expected)
    {
        var path = Trace("""{"trace":"ea/v1/trace"}""", line);
        var e = Assert.Throws<TraceFormatException>(() => OpenAndRead(sensor, path));
        Assert.StartsWith($"{path}:2: {expected}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeGoingBackwards_IsRefusedByTheTraceReader_WithBothTimes()
    {
        var path = Trace(
            """{"t_ms":2000,"sensor":"imu","kind":"motion","ax_g":0,"ay_g":0,"az_g":1,"gx_dps":0,"gy_dps":0,"gz_dps":0}""",
            """{"t_ms":1000,"sensor":"env","kind":"environment","temp_c":1,"pressure_hpa":1}""");
        var e = Assert.Throws<TraceFormatException>(() => ReplaySensors.Environment(path, "env", _time));
        Assert.Equal($"{path}:2: field 't_ms' must not decrease down the file, not 1000 after 2000 on line 1", e.Message);
    }

    [Fact]
    public void MissingFile_SaysWhatItIs()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ReplaySensors.Motion(Path.Combine(_dir.Path, "nope.jsonl"), "imu", _time));
        Assert.Contains("no such trace file", e.Message, StringComparison.Ordinal);
    }

    private bool OpenAndRead(string sensor, string path) => sensor switch
    {
        "env" => ReadOnce(ReplaySensors.Environment(path, sensor, _time)),
        "adc" => ReadOnce(ReplaySensors.Adc(path, sensor, _time)),
        "servo" => ReadOnce(ReplaySensors.Pwm(path, sensor, _time)),
        _ => ReadOnce(ReplaySensors.Gnss(path, sensor, _time)),
    };

    private static bool ReadOnce<T>(ISensor<T> sensor)
    {
        using (sensor)
        {
            return sensor.TryRead(out _);
        }
    }

    [Fact]
    public void Button_HoldsEachLineUntilTheNext_AndIsUpBeforeTheFirst()
    {
        var path = Trace(
            """{"t_ms":1000,"sensor":"button","kind":"button","pressed":1}""",
            """{"t_ms":6000,"sensor":"button","kind":"button","pressed":0}""");
        var button = ReplaySensors.Button(path, _time);

        Assert.False(button.IsPressed()); // t = 0
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(button.IsPressed());
        _time.Advance(TimeSpan.FromSeconds(4.999)); // a held button is no stale reading: 5 s after its line it is still down
        Assert.True(button.IsPressed());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(button.IsPressed());
        ((IDisposable)button).Dispose();
    }
}
