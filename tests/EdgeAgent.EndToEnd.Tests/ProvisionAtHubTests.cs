using System.Text.RegularExpressions;
using EdgeAgent.TestKit.Processes;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.EndToEnd.Tests;

/// <summary>
/// Enrolment as an installer does it, with real processes: <c>edgehub serve --mqtts ... --plain-access hub-only</c>,
/// <c>edgehub devices token</c>, <c>edgeagent provision --hub --token</c>, then <c>edgeagent run</c> over mutual TLS
/// (the plain listener takes no device), and the hub holds the device's verified records.
/// </summary>
[Collection(nameof(EndToEnd))]
public sealed partial class ProvisionAtHubTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Directory.CreateTempSubdirectory("edgeagent-e2e-enrol-").FullName;

    private string Db => Path.Combine(_root, "edgehub.db");

    private string State => Path.Combine(_root, "device");

    [Fact]
    public async Task Provision_WithHubAndToken_AgentRunsOverMutualTlsAndIsIngested()
    {
        var (plain, tls) = (FreePort(), FreePort());
        await using var hub = ChildProcess.Start(Site.Program("Hub"), ["serve", "--db", Db, "--http", "127.0.0.1:0", "--listen", $"127.0.0.1:{plain}", "--mqtts", $"127.0.0.1:{tls}", "--plain-access", "hub-only"]);
        var ready = await hub.WaitForLineAsync(l => l.StartsWith("edgehub: listening on", StringComparison.Ordinal), Timeout, "its ready line");
        var http = HttpUri().Match(ready).Value;
        var token = await ChildProcess.RunAsync(Site.Program("Hub"), ["devices", "token", "--device", "GL-0900", "--product", "smart-glasses", "--ttl", "10m", "--db", Db], Timeout);
        Assert.True(token.ExitCode == 0, token.Error);

        var provision = await ChildProcess.RunAsync(Site.Program("Agent"),
            ["provision", "--device", "GL-0900", "--product", "smart-glasses", "--consent", "--state-dir", State, "--hub", http, "--token", token.Output.Trim()], Timeout);
        var reused = await ChildProcess.RunAsync(Site.Program("Agent"),
            ["provision", "--device", "GL-0900", "--product", "smart-glasses", "--consent", "--state-dir", State, "--hub", http, "--token", token.Output.Trim()], Timeout);

        Assert.True(provision.ExitCode == 0, $"{provision.Output} {provision.Error}");
        Assert.Contains($"Mqtt:Broker=mqtts://127.0.0.1:{tls}", provision.Output, StringComparison.Ordinal);
        Assert.Contains($"next: edgeagent run --config {Path.Combine(State, "provisioned.json")}", provision.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(State, "device-cert.pem")) && File.Exists(Path.Combine(State, "hub-ca.pem")));
        Assert.True(reused.ExitCode == 0, reused.Error); // safe to run again: the spent token is not needed twice
        Assert.Contains("enrolment: already enrolled", reused.Output, StringComparison.Ordinal);
        Assert.Contains($"config: {Path.Combine(State, "provisioned.json")} unchanged", reused.Output, StringComparison.Ordinal);

        // The settings provision wrote are all the agent needs: the broker it was told at enrolment, the state directory.
        await using var agent = ChildProcess.Start(Site.Program("Agent"),
            ["run", "--config", Path.Combine(State, "provisioned.json"), "--set", "Agent:SystemClock=none", "--set", "Mqtt:ReconnectMax=00:00:01"]);
        await Site.EventuallyAsync(() => HubTypes().Contains("clock.sync"), Timeout, () => $"hub holds {string.Join(", ", HubTypes())}; agent: {string.Join(" | ", agent.Lines.TakeLast(5))} {agent.ErrorText}");
        await agent.TerminateAsync(Timeout);

        Assert.Contains("device.activated", HubTypes());
        Assert.DoesNotContain(hub.Lines, l => l.Contains("fail:", StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private List<string> HubTypes()
    {
        if (!File.Exists(Db))
        {
            return [];
        }

        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Db, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT type FROM records WHERE device_id = 'GL-0900' ORDER BY seq";
        using var r = cmd.ExecuteReader();
        var types = new List<string>();
        while (r.Read())
        {
            types.Add(r.GetString(0));
        }

        return types;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("http://127\\.0\\.0\\.1:[0-9]+")]
    private static partial Regex HttpUri();
}
