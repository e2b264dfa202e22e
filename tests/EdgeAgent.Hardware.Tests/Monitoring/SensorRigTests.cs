using EdgeAgent.Core.Faults;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Core.Replay;
using EdgeAgent.Hardware.Replay;
using EdgeAgent.Hardware.Signals;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Monitoring;

public sealed class SensorRigTests : IDisposable
{
    private static readonly BoardProfile Simulated = ProfileLoader.LoadBoard(RepositoryRoot.Combine("hardware", "boards", "simulated.json"));

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Products => ["drone", "service-robot", "smart-glasses"];

    private static ProductProfile Product(string id) => ProfileLoader.LoadProduct(RepositoryRoot.Combine("hardware", "products", id + ".json"));

    [Theory]
    [MemberData(nameof(Products))]
    public void Open_ShippedProductOnTheSimulatedBoard_OpensEverySensorAsAChannelThatAnswers(string id)
    {
        var product = Product(id);
        var time = new FakeTimeProvider();

        using var rig = SensorRig.Open(product, Simulated, new RigOptions(), time);

        Assert.Empty(rig.Failures);
        var sensors = product.Sensors.Where(s => s.Kind is not ("camera" or "microphone")).ToList();
        Assert.Equal(sensors.Select(s => (s.Id, s.Kind, TimeSpan.FromMilliseconds(s.PeriodMs))), rig.Channels.Select(c => (c.Name, c.Kind, c.Period)));
        Assert.Equal(product.Sensors.Where(s => s.Kind is "camera" or "microphone").Select(s => s.Id), rig.MediaSensors.Select(s => s.Id));
        // Every twin is on the bus: a read is a reading or "not ready yet" (a GNSS without an epoch), never a bus fault.
        foreach (var channel in rig.Channels)
        {
            Assert.NotEqual(SampleOutcome.BusFault, channel.Sample(time.GetTimestamp(), (_, _, _) => { }));
        }
    }

    [Fact]
    public void Open_SensorAbsentFromTheSimulatedBus_IsAMissingFailureNamingTheAddress_AndStartRaisesSensorMissing()
    {
        using var scenario = new MonitorScenario("smart-glasses", new RigOptions { Absent = new HashSet<string>(StringComparer.Ordinal) { "env" } });

        var failure = Assert.Single(scenario.Rig.Failures);
        Assert.Equal(("env", SensorOpenFailure.Missing), (failure.Sensor.Id, failure.Failure));
        Assert.Contains("0x76", failure.Reason, StringComparison.Ordinal); // BME280 with SDO to GND
        Assert.Equal(["imu", "battery"], scenario.Rig.Channels.Select(c => c.Name));

        var record = Assert.Single(scenario.StartRecords);
        Assert.Equal("fault.raised", record.Type);
        Assert.Equal(("sensor.missing", "env", "sensor", "error", true), (record.Data.GetProperty("code").GetString(), record.Data.GetProperty("sensor").GetString(),
            record.Data.GetProperty("subsystem").GetString(), record.Data.GetProperty("severity").GetString(), record.Data.GetProperty("relevant").GetBoolean()));
        Assert.Contains("0x76", record.Data.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([new ActiveFault("sensor.missing", "env", FaultSubsystem.Sensor, FaultSeverity.Error, true)], scenario.Monitor.Faults.Active());
    }

    [Fact]
    public void Open_ReplayTraceWithALineThatIsNotJson_FailsNamingTheFileAndTheLine()
    {
        var path = _dir.Combine("broken.jsonl");
        File.WriteAllLines(path,
        [
            """{"trace":"ea/v1/trace","product":"smart-glasses"}""",
            """{"t_ms":0,"sensor":"imu","kind":"motion","ax_g":0,"ay_g":0,"az_g":1,"gx_dps":0,"gy_dps":0,"gz_dps":0}""",
            """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":30,"pressure_hpa":1013""",
        ]);

        // The imu's replay stops at its line 2; the env's reads on to line 3, which is cut short.
        var error = Assert.Throws<TraceFormatException>(() => SensorRig.Open(Product("smart-glasses"), Simulated, new RigOptions { Replay = path }, new FakeTimeProvider()));

        Assert.StartsWith($"{path}:3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_ReplayTraceWithABadFieldLater_FailsNamingTheFileTheLineAndTheField()
    {
        var path = _dir.Combine("bad-field.jsonl");
        File.WriteAllLines(path,
        [
            """{"trace":"ea/v1/trace","product":"smart-glasses"}""",
            """{"t_ms":0,"sensor":"imu","kind":"motion","ax_g":0,"ay_g":0,"az_g":1,"gx_dps":0,"gy_dps":0,"gz_dps":0}""",
            """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":30,"pressure_hpa":1013}""",
            """{"t_ms":0,"sensor":"battery","kind":"battery","cell_v":3.9,"soc_pct":70}""",
            """{"t_ms":100,"sensor":"imu","kind":"motion","ax_g":0,"ay_g":0,"az_g":"high","gx_dps":0,"gy_dps":0,"gz_dps":0}""",
        ]);
        using var scenario = new MonitorScenario("smart-glasses", new RigOptions { Replay = path });

        // Opens and samples t = 0; the imu's read at 100 ms parses line 5.
        var error = Assert.Throws<TraceFormatException>(() => scenario.Run(1000));

        Assert.Equal($"{path}:5: field 'az_g' must be a number, not \"high\"", error.Message);
    }
}
