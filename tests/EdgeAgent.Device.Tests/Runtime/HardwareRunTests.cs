using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Tests.Cli;
using EdgeAgent.TestKit.Data;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// <c>edgeagent run</c> as smart glasses on the simulated board, replaying a recorded trace: the IMU says worn, the camera
/// lines feed the real blazeface pipeline, so the mode detector moves to <c>active</c>; a low battery is a fault; at the
/// stop the session and a usage summary with seconds per mode are written, and the export verifies.
/// </summary>
public sealed class HardwareRunTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private EmbeddedMqttBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedMqttBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_ReplayedGlassesTrace_DetectsTheModeRunsTheCameraPipelineAndRecordsFaultsAndSessions()
    {
        var state = _temp.Combine("state");
        await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", state);
        var photo = DebianPackageFile.Get("python3-skimage", "usr/lib/python3/dist-packages/skimage/data/astronaut.png");
        var trace = new TraceWriter("smart-glasses", "worn with the camera on, battery low");
        const int seconds = 120;
        // Worn: |a| - 1 g alternates 0.1 and 0 every 100 ms (stddev 0.05 g over the 10 s window, above the 0.02 g rule).
        trace.Sensor("imu", 100).Alternating(0, seconds * 1000, TraceSample.Motion(az: 1.1), TraceSample.Motion(az: 1.0));
        trace.Sensor("env", 5000).Constant(0, seconds * 1000, TraceSample.Environment(30));
        // 5 % charge: below battery.low's 10 % (for_s 0), raised at the first reading.
        trace.Sensor("battery", 5000).Constant(0, seconds * 1000, TraceSample.Battery(3.45, 5, -8));
        trace.Sensor("camera", 500).Constant(0, seconds * 1000, TraceSample.Image(photo));
        var tracePath = _temp.Combine("glasses.jsonl");
        trace.Write(tracePath);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var error = new StringWriter();
        var settings = ReplayedAgent.Settings(state, _broker, "smart-glasses", tracePath);
        var run = AgentHost.RunAsync([], settings, error, null, stop.Token);

        // The detector needs the camera active and the IMU's window for enter_s = 3 s: wait until the status says active.
        var statusPath = Path.Combine(state, "status.json");
        while (!File.Exists(statusPath) || AgentStatus.Read(statusPath) is not { Mode: "active" })
        {
            Assert.False(run.IsCompleted, $"the agent stopped: {error}");
            await Task.Delay(50, stop.Token);
        }

        var status = AgentStatus.Read(statusPath)!;
        Assert.Contains("battery.low", status.Faults, StringComparison.Ordinal);
        Assert.Equal("fault", status.Led);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run);

        var export = _temp.Combine("ledger.json");
        var (exportCode, _, exportError) = await AgentCli.RunAsync("ledger", "export", "--state-dir", state, "--out", export);
        Assert.True(exportCode == ExitCodes.Ok, exportError);
        var (verifyCode, verifyOut, verifyError) = await AgentCli.RunAsync("ledger", "verify", "--in", export, "--key", Path.Combine(state, "device-key.pub.pem"));
        Assert.True(verifyCode == ExitCodes.Ok, verifyOut + verifyError);

        var records = Records(export);
        var fault = Assert.Single(records, r => r.Type == RecordTypes.FaultRaised);
        Assert.Equal("battery.low", fault.Data.GetProperty("code").GetString());
        Assert.False(fault.Data.GetProperty("relevant").GetBoolean());
        var session = Assert.Single(records, r => r.Type == RecordTypes.Session);
        Assert.Equal("active", session.Data.GetProperty("mode").GetString());
        Assert.Equal("shutdown", session.Data.GetProperty("ended").GetString());
        Assert.True(session.Data.GetProperty("duration_s").GetDouble() >= 0);
        var summary = records.Last(r => r.Type == RecordTypes.UsageSummary).Data;
        var modes = summary.GetProperty("modes");
        Assert.True(modes.GetProperty("active").GetDouble() >= 0);
        Assert.True(summary.GetProperty("operate_s").GetDouble() >= 0);
        var period = summary.GetProperty("period_s").GetDouble();
        var perMode = modes.EnumerateObject().Sum(m => m.Value.GetDouble());
        // Per-mode seconds count from the detector's start, a moment after the interval's: never more than the period.
        Assert.InRange(perMode, period / 2, period + 0.01);
        Assert.True(modes.GetProperty("standby").GetDouble() > 0, "standby until the detector's windows filled");
        var faces = summary.GetProperty("inferences").GetProperty("blazeface");
        Assert.True(faces.GetProperty("calls").GetInt64() > 0, "the camera's replayed frames went through blazeface");
        Assert.True(summary.GetProperty("frames").GetInt64() > 0);
    }

    private sealed record Record(string Type, JsonElement Data);

    private static List<Record> Records(string export)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(export));
        return [.. doc.RootElement.GetProperty("records").EnumerateArray().Select(r => new Record(r.GetProperty("type").GetString()!, r.GetProperty("data").Clone()))];
    }
}
