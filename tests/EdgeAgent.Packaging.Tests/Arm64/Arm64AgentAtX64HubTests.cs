using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Processes;
using Xunit.Abstractions;

namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>
/// The ARM64 agent as a device maker ships it, against an x64 hub: provisioned under QEMU, its key enrolled at the hub,
/// <c>edgeagent run</c> with a pipeline on a sample input until the hub has verified a usage summary from it, stopped
/// with SIGTERM; the hub holds the whole chain, accepted and verified again offline.
/// </summary>
[Trait("Category", Arm64Stage.Category)]
[Collection(nameof(Arm64Stage))]
public sealed class Arm64AgentAtX64HubTests(SampleInputs inputs, ITestOutputHelper output) : IClassFixture<SampleInputs>
{
    private const string Device = "AR-0001";
    private const string Product = "smart-glasses";
    private static readonly TimeSpan HubTimeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Run_Arm64AgentAtX64Hub_HubHoldsItsVerifiedChainWithAUsageSummary()
    {
        await Arm64Stage.SkipUnlessReadyAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var site = new TempDirectory();
        var state = site.Combine("device");
        var db = site.Combine("edgehub.db");

        (await Arm64Stage.RunAsync("provision", "--device", Device, "--product", Product, "--consent", "--state-dir", state)).Succeeded();
        (await Hub(HubTimeout, "devices", "enroll", "--device", Device, "--product", Product, "--key", Path.Combine(state, "device-key.pub.pem"), "--db", db)).Succeeded();
        var provisioned = clock.Elapsed;

        var port = FreePort();
        await using var hub = ChildProcess.Start(Shipped.HubDll, ["serve", "--db", db, "--http", "127.0.0.1:0", "--listen", $"127.0.0.1:{port}"]);
        await hub.WaitForLineAsync(l => l.StartsWith("edgehub: listening", StringComparison.Ordinal), HubTimeout, "its ready line");

        var agent = Arm64Stage.Start([
            "run", "--set", $"Agent:StateDirectory={state}", "--set", "Agent:SystemClock=none",
            "--set", $"Mqtt:Broker=mqtt://127.0.0.1:{port}",
            // Emulation is slow: the last records at SIGTERM get the time to reach the hub.
            "--set", "Mqtt:DrainTimeout=00:01:00",
            "--set", $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}",
            "--set", "Models:Pipelines:0:Model=silero-vad", "--set", $"Models:Pipelines:0:Input={inputs.For("silero-vad")}",
            "--set", "Models:Pipelines:0:Interval=00:00:00.500",
            "--set", "Usage:SummaryInterval=00:00:05"]);
        await using (agent)
        {
            await agent.WaitForLineAsync(l => l.Contains("Pipeline silero-vad on", StringComparison.Ordinal), Arm64Stage.RunTimeout, "its pipeline's start");
            var started = clock.Elapsed;

            // "Until the hub has verified records from it": a usage summary that counts the pipeline's inferences.
            // edgehub records beside the serving hub may meet its write lock; that poll counts as "not yet".
            await EventuallyAsync(async () => await TryRecords(db) is { } held && Summaries(held).Any(s => Calls(s) > 0), Arm64Stage.RunTimeout, "a usage.summary with silero-vad calls at the hub");
            var delivered = clock.Elapsed;

            await agent.TerminateAsync(Arm64Stage.RunTimeout);
            Assert.True(agent.ExitCode == 0, $"the ARM64 agent's clean stop exited with {agent.ExitCode}: {agent.ErrorText}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"provision + enrol {provisioned.TotalSeconds:F1} s, agent start to pipeline {(started - provisioned).TotalSeconds:F1} s, to a summary at the hub {(delivered - started).TotalSeconds:F1} s, SIGTERM to exit {(clock.Elapsed - delivered).TotalSeconds:F1} s"));
        }

        await hub.TerminateAsync(HubTimeout);
        var errors = agent.Lines.Concat(agent.ErrorText.Split('\n')).Concat(hub.Lines).Concat(hub.ErrorText.Split('\n')).Where(l => l.Contains("fail: ", StringComparison.Ordinal) || l.Contains("crit: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} error(s) logged, first: {errors.FirstOrDefault()}");

        // Accepted: the chain from seq 1 without a gap, from the start's power.state to the clean stop's, nothing rejected.
        var records = await Records(db);
        output.WriteLine(string.Join(Environment.NewLine, records.Select(r => r.GetRawText())));
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(("power.state", "on"), (Type(records[0]), records[0].GetProperty("data").GetProperty("state").GetString()));
        Assert.Equal(("power.state", "off"), (Type(records[^1]), records[^1].GetProperty("data").GetProperty("state").GetString()));
        Assert.Contains(records, r => Type(r) == "device.activated");
        var summaries = Summaries(records);
        Assert.NotEmpty(summaries);
        Assert.Contains(summaries, s => Calls(s) > 0);
        var rejections = (await Hub(HubTimeout, "rejections", "--device", Device, "--db", db)).Succeeded();
        Assert.True(!rejections.Output.Split('\n').Any(l => l.StartsWith("  ", StringComparison.Ordinal)), $"the hub rejected input from the ARM64 agent: {rejections.Output}");

        // Chain verified: the auditor's bundle of the hub's records, checked offline (every link, checkpoint signature
        // with the enrolled key, record hash).
        var year = DateTimeOffset.FromUnixTimeMilliseconds(records[0].GetProperty("time").GetProperty("est").GetInt64()).Year.ToString(CultureInfo.InvariantCulture);
        var bundle = site.Combine("evidence.zip");
        (await Hub(HubTimeout, "export", "evidence", "--year", year, "--product", Product, "--out", bundle, "--db", db)).Succeeded();
        var verify = (await Hub(HubTimeout, "verify", bundle)).Succeeded();
        Assert.Contains($"1 device(s), {records.Count} record(s), 0 dropped", verify.Output, StringComparison.Ordinal);
        Assert.Contains("0 finding(s)", verify.Output, StringComparison.Ordinal);
    }

    private static string? Type(JsonElement record) => record.GetProperty("type").GetString();

    private static List<JsonElement> Summaries(IEnumerable<JsonElement> records) => [.. records.Where(r => Type(r) == "usage.summary")];

    private static long Calls(JsonElement summary) =>
        summary.GetProperty("data").TryGetProperty("inferences", out var inferences) && inferences.TryGetProperty("silero-vad", out var vad)
            ? vad.GetProperty("calls").GetInt64()
            : 0;

    /// <summary>The hub's verified records of the device, as <c>edgehub records</c> prints them.</summary>
    private static async Task<List<JsonElement>> Records(string db) => Parse((await Hub(HubTimeout, "records", "--device", Device, "--format", "json", "--db", db)).Succeeded());

    /// <summary>The records, or null when <c>edgehub records</c> failed.</summary>
    private static async Task<List<JsonElement>?> TryRecords(string db) =>
        await Hub(HubTimeout, "records", "--device", Device, "--format", "json", "--db", db) is { ExitCode: 0 } run ? Parse(run) : null;

    private static List<JsonElement> Parse(AgentRun run) =>
        [.. run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static async Task<AgentRun> Hub(TimeSpan timeout, params string[] arguments)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, text, error) = await ChildProcess.RunAsync(Shipped.HubDll, arguments, timeout);
        return new AgentRun($"edgehub {string.Join(' ', arguments)}", code, text, error, clock.Elapsed);
    }

    /// <summary>Asks <paramref name="condition"/> again every second until it holds or <paramref name="timeout"/> passes.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"no {what} within {timeout.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
