using System.Diagnostics;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.Packaging.Tests.Systemd;

/// <summary>
/// <c>edgeagent run</c> and <c>edgehub serve</c> as real processes given a <c>NOTIFY_SOCKET</c>, as systemd starts a
/// <c>Type=notify</c> unit: READY=1 once up, a STATUS line, WATCHDOG=1 at half of <c>WATCHDOG_USEC</c> (the agent),
/// STOPPING=1 at SIGTERM, then a clean exit.
/// </summary>
public sealed class NotifyTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Agent_UnderSystemd_ReadyThenWatchdogPingsThenStoppingAtSigterm()
    {
        var state = _temp.Combine("state");
        var (code, _, error) = await ChildProcess.RunAsync(Shipped.AgentDll, ["provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", state], Guard);
        Assert.True(code == 0, error);
        using var notify = new NotifySocket(_temp.Combine("notify.sock"));
        // WatchdogSec=0.4s: a ping every 200 ms. The agent's loops are allowed far longer silences, so every tick pings.
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path, ["WATCHDOG_USEC"] = "400000" };
        string[] arguments =
        [
            "run", "--state-dir", state, "--set", $"Mqtt:Broker=mqtt://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}",
            "--set", $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}",
        ];
        var watch = Stopwatch.StartNew();
        await using var agent = ChildProcess.Start(Shipped.AgentDll, arguments, environment);

        var beforeReady = await notify.UntilAsync(m => m == "READY=1", Guard, "READY=1");
        Assert.True(File.Exists(Path.Combine(state, "outbox.db")), "READY=1 comes after the outbox is open");
        var pings = beforeReady.Count(m => m == "WATCHDOG=1"); // the watchdog's first tick may come just before
        Assert.InRange(pings, 0, 1);
        var afterReady = new List<string>();
        while (pings < 5)
        {
            var read = await notify.UntilAsync(m => m == "WATCHDOG=1", Guard, "a watchdog ping");
            afterReady.AddRange(read);
            pings++;
        }

        // Every ping read so far was sent after the process started and before now: at most one per 200 ms tick and
        // the one at start (the cadence is half the timeout, not faster). A slow reader only makes the bound looser.
        var elapsed = watch.Elapsed;
        Assert.InRange(pings, 5, 2 + (int)(elapsed.TotalMilliseconds / 200));
        Assert.Contains(afterReady.Concat(beforeReady), m => m.StartsWith("STATUS=", StringComparison.Ordinal));

        await agent.TerminateAsync(Guard);
        Assert.Equal(0, agent.ExitCode);
        Assert.Contains("STOPPING=1", notify.All);
        var last = notify.All.ToList().LastIndexOf("STOPPING=1");
        Assert.True(notify.All.Take(last).Contains("WATCHDOG=1"), "pings came before the stop");
    }

    [Fact]
    public async Task Agent_NoNotifySocket_SendsNothingAndRunsAsBefore()
    {
        // The run of a shell or a test: no NOTIFY_SOCKET, so nothing is sent anywhere and no watchdog runs.
        var state = _temp.Combine("state");
        await ChildProcess.RunAsync(Shipped.AgentDll, ["provision", "--device", "GL-0002", "--product", "smart-glasses", "--consent", "--state-dir", state], Guard);
        string[] arguments =
        [
            "run", "--state-dir", state, "--set", $"Mqtt:Broker=mqtt://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}",
            "--set", $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}", "--set", "Agent:StatusInterval=00:00:00.200",
        ];
        await using var agent = ChildProcess.Start(Shipped.AgentDll, arguments);
        await agent.WaitForLineAsync(l => l.Contains("Agent started", StringComparison.Ordinal), Guard, "the start line");

        await agent.TerminateAsync(Guard);

        Assert.Equal(0, agent.ExitCode);
        Assert.DoesNotContain(agent.Lines, l => l.Contains("systemd watchdog", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hub_UnderSystemd_ReadyOnceListeningThenStoppingAtSigterm()
    {
        using var notify = new NotifySocket(_temp.Combine("notify.sock"));
        var (mqtt, http) = (MosquittoBroker.FreeLoopbackPort(), MosquittoBroker.FreeLoopbackPort());
        await using var hub = ChildProcess.Start(Shipped.HubDll,
            ["serve", "--db", _temp.Combine("edgehub.db"), "--listen", $"127.0.0.1:{mqtt}", "--http", $"127.0.0.1:{http}"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path });

        var ready = await notify.UntilAsync(m => m == "READY=1", Guard, "READY=1");

        Assert.Contains($"STATUS=listening on mqtt://127.0.0.1:{mqtt} and http://127.0.0.1:{http}", ready);
        using (var client = new System.Net.Http.HttpClient())
        {
            // Ready means serving: the health endpoint answers at once.
            Assert.Equal("ok", (await client.GetStringAsync(new Uri($"http://127.0.0.1:{http}/healthz"))).Trim());
        }

        await hub.TerminateAsync(Guard);
        Assert.Equal(0, hub.ExitCode);
        Assert.Equal("STOPPING=1", notify.All[^1]);
    }
}
