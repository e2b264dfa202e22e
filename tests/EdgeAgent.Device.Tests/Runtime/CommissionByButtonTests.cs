using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Tests.Cli;
using EdgeAgent.TestKit.Hardware;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// A drone's button commissions it (the profile's action <c>commission</c>): the start does not, a short press does not,
/// the installer's long press does, once, at <c>Agent:Site</c>.
/// </summary>
public sealed class CommissionByButtonTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private EmbeddedMqttBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedMqttBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_DroneWithLongPressInTheTrace_CommissionsOnceAtTheSiteByButton()
    {
        var state = _temp.Combine("state");
        await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "inspection-drone", "--consent", "--state-dir", state);
        var trace = new TraceWriter("drone", "a short press, then the installer's long press");
        // drone.json: long_press_ms 5000. A 2 s press (0.5-2.5 s) does nothing; a 6 s press (3.5-9.5 s) commissions.
        trace.Sensor("button", 500).Constant(500, 2_500, TraceSample.Button(true)).Constant(2_500, 3_500, TraceSample.Button(false))
            .Constant(3_500, 9_500, TraceSample.Button(true)).Constant(9_500, 60_000, TraceSample.Button(false));
        var path = _temp.Combine("drone.jsonl");
        trace.Write(path);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var error = new StringWriter();
        var settings = ReplayedAgent.Settings(state, _broker, "drone", path, "Agent:Site=xihu-depot");
        var run = AgentHost.RunAsync([], settings, error, null, stop.Token);
        var site = Path.Combine(state, "commissioned-site");
        while (!File.Exists(site))
        {
            Assert.False(run.IsCompleted, $"the agent stopped: {error}");
            await Task.Delay(50, stop.Token);
        }

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run);

        var export = _temp.Combine("ledger.json");
        Assert.Equal(ExitCodes.Ok, (await AgentCli.RunAsync("ledger", "export", "--state-dir", state, "--out", export)).Code);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(export));
        var commissioned = Assert.Single(doc.RootElement.GetProperty("records").EnumerateArray(), r => r.GetProperty("type").GetString() == RecordTypes.DeploymentCommissioned);
        var data = commissioned.GetProperty("data");
        Assert.Equal("xihu-depot", data.GetProperty("site").GetString());
        Assert.Equal("button", data.GetProperty("method").GetString());
        // Written at the long press (held 5 s from 3.5 s), not at the start nor at the short press.
        Assert.True(commissioned.GetProperty("mono_ms").GetInt64() >= 8_500, commissioned.ToString());
    }
}
