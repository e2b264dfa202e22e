using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Hardware;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Tests.Cli;
using EdgeAgent.Hardware.Companion;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// <c>edgeagent run</c> as smart glasses on the simulated board with its simulated companion (the real firmware over OS
/// pipes, the path a real board takes but for the port): the companion's IMU and battery are sensors of the profile, its
/// button presses become <c>button.pressed</c> records, a half-hour suspension of the board is credited as idle seconds
/// in the last <c>usage.summary</c>, and its LED shows the status LED's state.
/// </summary>
public sealed class CompanionRunTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private EmbeddedMqttBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedMqttBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_SimulatedCompanion_RecordsItsButtonsCreditsTheSuspensionAndReadsItsSources()
    {
        var state = _temp.Combine("state");
        await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", state);
        var profiles = GlassesWithCompanionSources();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var error = new StringWriter();
        var services = new TaskCompletionSource<IServiceProvider>(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] settings =
        [
            $"Agent:StateDirectory={state}", $"Mqtt:Broker=mqtt://{EmbeddedMqttBroker.Host}:{_broker.Port}", "Agent:StatusInterval=00:00:00.100",
            $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}", $"Models:Cache={RepositoryRoot.Combine("models", ".cache")}",
            $"Hardware:Profiles={profiles}", "Hardware:Board=simulated", "Hardware:Product=smart-glasses",
        ];
        var run = AgentHost.RunAsync([], settings, error, (_, s) => s.AddHostedService(sp => new Probe(sp, services)), stop.Token);

        var provider = await services.Task.WaitAsync(stop.Token);
        var companion = provider.GetRequiredService<CompanionService>();
        var controls = provider.GetRequiredService<FieldControls>();
        var connection = companion.Connection;
        Assert.True(connection?.Simulated is not null, $"no simulated companion was opened: {error}");
        var simulated = connection.Simulated;

        await simulated.PressAsync(0, TimeSpan.FromMilliseconds(300), stop.Token);
        await simulated.PressAsync(1, TimeSpan.FromSeconds(2), stop.Token); // a long press: the glasses' consent, already given
        var credited = await simulated.SuspendBoardAsync(connection.Link, TimeSpan.FromMinutes(30), stop.Token);
        // The companion's LED shows what the board's status LED shows: dim green once connected, unless a fault (a sensor
        // gone stale on a loaded machine) shows first; so it is compared with the status at the time.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (companion.Recorded < 2 || controls.State is not { } shown || simulated.Companion.LedColour != Rgb(CompanionService.LedOf(shown)))
        {
            Assert.False(run.IsCompleted, $"the agent stopped: {error}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(40),
                $"after 40 s: {companion.Recorded} button record(s), status LED {controls.State?.ToString() ?? "none"}, companion LED {simulated.Companion.LedColour:x6}, link {connection.Link.Statistics}; {error}");
            await Task.Delay(50, stop.Token);
        }

        Assert.True(connection.Link.Imu.TryRead(out var motion));
        Assert.Equal(1.0, motion.Z.StandardGravity, 2); // the simulated companion lies flat
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run);

        Assert.InRange(credited, 1800, 1801);
        var export = _temp.Combine("ledger.json");
        Assert.Equal(ExitCodes.Ok, (await AgentCli.RunAsync("ledger", "export", "--state-dir", state, "--out", export)).Code);
        var (verifyCode, verifyOut, verifyError) = await AgentCli.RunAsync("ledger", "verify", "--in", export, "--key", Path.Combine(state, "device-key.pub.pem"));
        Assert.True(verifyCode == ExitCodes.Ok, verifyOut + verifyError);
        var records = Records(export);

        var presses = records.Where(r => r.Type == RecordTypes.ButtonPressed).Select(r => r.Data).ToList();
        Assert.Equal(2, presses.Count);
        Assert.All(presses, p => Assert.Equal("companion", p.GetProperty("source").GetString()));
        Assert.Equal((0, "short"), (presses[0].GetProperty("button").GetInt32(), presses[0].GetProperty("press").GetString()));
        Assert.True(presses[0].GetProperty("held_ms").GetInt64() > 0, presses[0].ToString());
        Assert.Equal((1, "long"), (presses[1].GetProperty("button").GetInt32(), presses[1].GetProperty("press").GetString()));
        Assert.True(presses[1].GetProperty("held_ms").GetInt64() >= 1500, presses[1].ToString());

        // The half hour the board slept is in the usage as idle seconds, though this run lasted seconds.
        var summaries = records.Where(r => r.Type == RecordTypes.UsageSummary).Select(r => r.Data).ToList();
        Assert.InRange(summaries.Sum(s => s.GetProperty("idle_s").GetDouble()), 1800, 1900);
        Assert.True(summaries.Sum(s => s.GetProperty("operate_s").GetDouble() + s.GetProperty("idle_s").GetDouble()) < 1900);

        // The companion's sources opened as sensors: no sensor fault for them.
        Assert.DoesNotContain(records, r => r.Type == RecordTypes.FaultRaised && r.Data.GetProperty("code").GetString()!.StartsWith("sensor.", StringComparison.Ordinal));
    }

    [Fact]
    public void ButtonPressed_FormatExample_IsWhatTheServiceWrites()
    {
        var document = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Contracts", "Records", "FORMAT.md"));
        var block = System.Text.RegularExpressions.Regex.Match(document, "```json button-pressed\n(.*?)\n```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(block.Success, "FORMAT.md has no ```json button-pressed block");

        var data = CompanionService.DataOf(new CompanionButtonEvent(1, true, TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds(184_250), DateTimeOffset.UnixEpoch));

        Assert.Equal(block.Groups[1].Value, data.GetRawText());
    }

    [Theory]
    [InlineData(EdgeAgent.Core.Indicators.LedState.Fault, CompanionLedMode.FastBlink, 0xFF0000)]
    [InlineData(EdgeAgent.Core.Indicators.LedState.Connected, CompanionLedMode.Solid, 0x004000)]
    [InlineData(EdgeAgent.Core.Indicators.LedState.Booting, CompanionLedMode.Blink, 0x606060)]
    public void LedOf_StatusState_IsTheCompanionLedsColourAndMode(EdgeAgent.Core.Indicators.LedState state, CompanionLedMode mode, int colour)
    {
        var (m, r, g, b) = CompanionService.LedOf(state);

        Assert.Equal((mode, colour), (m, (r << 16) | (g << 8) | b));
    }

    /// <summary>The shipped profiles, the glasses with the companion's IMU and battery as sensors and no pipelines (the simulated board has no camera).</summary>
    private string GlassesWithCompanionSources()
    {
        var root = _temp.Combine("hardware");
        foreach (var folder in new[] { "boards", "products", "schema" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var file in Directory.EnumerateFiles(RepositoryRoot.Combine("hardware", folder), "*.json"))
            {
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
            }
        }

        var path = Path.Combine(root, "products", "smart-glasses.json");
        var glasses = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        glasses["sensors"]!.AsArray().Add(JsonNode.Parse("""{ "id": "arm_imu", "kind": "imu", "chip": "companion", "period_ms": 100 }"""));
        glasses["sensors"]!.AsArray().Add(JsonNode.Parse("""{ "id": "arm_battery", "kind": "battery", "chip": "companion", "period_ms": 1000 }"""));
        glasses.Remove("pipelines");
        File.WriteAllText(path, glasses.ToJsonString());
        return root;
    }

    private sealed record Record(string Type, JsonElement Data);

    private static List<Record> Records(string export)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(export));
        return [.. doc.RootElement.GetProperty("records").EnumerateArray().Select(r => new Record(r.GetProperty("type").GetString()!, r.GetProperty("data").Clone()))];
    }

    /// <summary>Hands the test the agent's services once every hosted service has started (the test's own start first).</summary>
    private static int Rgb((CompanionLedMode Mode, byte Red, byte Green, byte Blue) led) => (led.Red << 16) | (led.Green << 8) | led.Blue;

    private sealed class Probe(IServiceProvider services, TaskCompletionSource<IServiceProvider> source) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => source.TrySetResult(services));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
