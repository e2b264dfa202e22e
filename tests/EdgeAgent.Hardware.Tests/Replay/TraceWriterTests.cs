using EdgeAgent.Hardware.Replay;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Replay;

/// <summary>The TestKit's trace writer writes what the replay reads: the scenario tests stand on it.</summary>
public sealed class TraceWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_TracksOfDifferentPeriods_AreMergedByTimeAfterAHeader()
    {
        var trace = new TraceWriter("drone", "merge");
        trace.Sensor("motor", 200).Constant(0, 600, TraceSample.Power(16, 1.5));
        trace.Sensor("landing", 300).Alternating(0, 900, TraceSample.Distance(0.05), TraceSample.Invalid("distance"));
        var path = _dir.Combine("t.jsonl");

        Assert.Equal(7, trace.Write(path));

        Assert.Equal(
        [
            """{"trace":"ea/v1/trace","product":"drone","note":"merge"}""",
            """{"t_ms":0,"sensor":"motor","kind":"power","bus_v":16,"current_a":1.5}""",
            """{"t_ms":0,"sensor":"landing","kind":"distance","distance_m":0.05}""",
            """{"t_ms":200,"sensor":"motor","kind":"power","bus_v":16,"current_a":1.5}""",
            """{"t_ms":300,"sensor":"landing","kind":"distance","valid":false}""",
            """{"t_ms":400,"sensor":"motor","kind":"power","bus_v":16,"current_a":1.5}""",
            """{"t_ms":600,"sensor":"landing","kind":"distance","distance_m":0.05}""",
        ], File.ReadAllLines(path));
    }

    [Fact]
    public void Write_SegmentsAndArrays_ReplayAsTheyWereWritten()
    {
        var trace = new TraceWriter("service-robot");
        trace.Sensor("adc", 1000)
            .Constant(0, 2000, TraceSample.Adc(3.1, 0))
            .Segment(2000, 4000, ms => TraceSample.Adc(3.1 - (ms / 10000.0), 3.3));
        var path = _dir.Combine("t.jsonl");
        trace.Write(path);
        var time = new FakeTimeProvider();
        using var adc = ReplaySensors.Adc(path, "adc", time);

        var volts = new List<(double, double)>();
        for (var t = 0; t < 4; t++)
        {
            Assert.True(adc.TryRead(out var r));
            volts.Add((Math.Round(r.Channels[0].Volts, 6), r.Channels[1].Volts));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([(3.1, 0.0), (3.1, 0.0), (2.9, 3.3), (2.8, 3.3)], volts);
    }

    [Fact]
    public void Sensor_OverlappingSegmentsOrMixedKinds_AreRefused()
    {
        var trace = new TraceWriter("drone");
        var motor = trace.Sensor("motor", 200).Constant(0, 1000, TraceSample.Power(16, 0));

        Assert.Throws<ArgumentOutOfRangeException>(() => motor.Constant(800, 2000, TraceSample.Power(16, 1)));
        Assert.Throws<ArgumentException>(() => trace.Sensor("motor", 100));
        motor.Constant(1000, 2000, TraceSample.Distance(1));
        Assert.Throws<InvalidOperationException>(() => trace.Write(_dir.Combine("t.jsonl")));
    }
}
