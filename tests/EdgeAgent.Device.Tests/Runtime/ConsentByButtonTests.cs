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
/// Smart glasses take the owner's consent on the device (their button's action is <c>consent</c>): provisioned without
/// <c>--consent</c>, the agent waits and records nothing until the long press, then writes the consent and starts with
/// a <c>consent.given</c> record.
/// </summary>
public sealed class ConsentByButtonTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private EmbeddedMqttBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedMqttBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_NoConsentYet_WaitsForTheLongPressThenRecordsFromConsentGiven()
    {
        var state = _temp.Combine("state");
        await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", state);
        var trace = new TraceWriter("smart-glasses", "the owner holds the button for 4 s");
        // smart-glasses.json: long_press_ms 3000; held from 1 s to 5 s.
        trace.Sensor("button", 500).Constant(1_000, 5_000, TraceSample.Button(true)).Constant(5_000, 60_000, TraceSample.Button(false));
        var path = _temp.Combine("glasses.jsonl");
        trace.Write(path);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var error = new StringWriter();
        var settings = ReplayedAgent.Settings(state, _broker, "smart-glasses", path);
        var run = AgentHost.RunAsync([], settings, error, null, stop.Token);

        // Before the press completes nothing is recorded: no outbox exists.
        Assert.False(File.Exists(Path.Combine(state, "outbox.db")));
        var statusPath = Path.Combine(state, "status.json");
        while (!File.Exists(statusPath) || AgentStatus.Read(statusPath) is not { HeadSeq: >= 3 })
        {
            Assert.False(run.IsCompleted, $"the agent stopped: {error}");
            await Task.Delay(50, stop.Token);
        }

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run);

        using var identity = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(state, "identity.json")));
        Assert.True(identity.RootElement.GetProperty("consent").GetBoolean());
        var export = _temp.Combine("ledger.json");
        Assert.Equal(ExitCodes.Ok, (await AgentCli.RunAsync("ledger", "export", "--state-dir", state, "--out", export)).Code);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(export));
        var first = doc.RootElement.GetProperty("records").EnumerateArray().First();
        Assert.Equal(RecordTypes.ConsentGiven, first.GetProperty("type").GetString());
        Assert.Equal("button", first.GetProperty("data").GetProperty("method").GetString());
    }
}
