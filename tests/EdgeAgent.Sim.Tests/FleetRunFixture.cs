using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeAgent.Hub;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Sim.Cli;
using EdgeAgent.Sim.Hosting;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Sim.Tests;

/// <summary>
/// One run for the whole class (it is the expensive part): a real embedded hub in this process (HubHost, what
/// <c>edgehub serve</c> runs) on a free port with a temporary database; 30 devices of the three products provisioned
/// by <c>edgesim provision</c> and enrolled by <c>edgehub devices enroll --key-dir</c>; <c>edgesim run</c> for 16 s at
/// 2 records/s each with every fault; the hub is stopped afterwards so the tests read a settled database.
/// </summary>
public sealed class FleetRunFixture : IAsyncLifetime, IDisposable
{
    public const int Devices = 30;

    private readonly TempDirectory _dir = new();
    private readonly TallyLoggerProvider _hubLog = new(TextWriter.Null);

    public JsonObject Summary { get; private set; } = [];

    public string Database => _dir.Combine("edgehub.db");

    public string FleetDirectory => _dir.Combine("fleet");

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    /// <summary>Errors the hub logged during the run (warnings are expected: the tampered batches).</summary>
    public long HubErrors => _hubLog.Errors;

    public async Task InitializeAsync()
    {
        Assert.Equal(0, await SimAsync("provision", "--dir", FleetDirectory, "--devices", $"{Devices}", "--prefix", "T"));
        foreach (var product in new[] { "smart-glasses", "inspection-drone", "service-robot" })
        {
            Assert.Equal(0, await HubAsync("devices", "enroll", "--product", product, "--key-dir", Path.Combine(FleetDirectory, "keys", product), "--db", Database));
        }

        var hub = await StartHubAsync();
        try
        {
            var summaryFile = _dir.Combine("summary.json");
            ExitCode = await SimAsync(
                "run", "--dir", FleetDirectory, "--broker", hub.BrokerUri.ToString().TrimEnd('/'), "--rate", "2", "--duration", "16", "--ramp", "2",
                "--progress", "2", "--drain", "30", "--ack-timeout", "2", "--disconnect-for", "1", "--seed", "7",
                "--fault", "disconnect=10%", "--fault", "reset=10%", "--fault", "duplicate=10%", "--fault", "tamper=10%",
                "--fault", "no-rtc=20%", "--fault", "drift=20000ppm@10%", "--hub-db", Database, "--out", summaryFile);
            Summary = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!.AsObject();
        }
        finally
        {
            await hub.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _hubLog.Dispose();
        _dir.Dispose();
    }

    /// <summary>The fault's entry of the summary.</summary>
    public JsonObject Fault(string kind) => Summary["faults"]!.AsArray().Single(f => (string)f!["kind"]! == kind)!.AsObject();

    /// <summary>The devices the summary says took <paramref name="kind"/>.</summary>
    public IReadOnlyList<string> FaultDevices(string kind) => [.. Fault(kind)["devices"]!.AsArray().Select(d => (string)d!)];

    /// <summary><c>edgehub</c> in this process; standard output, or a failed assertion with standard error.</summary>
    public static async Task<string> HubOutputAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCli.Build().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        Assert.True(code == 0, $"edgehub {string.Join(' ', args)} exited {code}: {error}");
        return output.ToString();
    }

    private async Task<int> HubAsync(params string[] args)
    {
        _ = await HubOutputAsync(args);
        Output += $"edgehub {args[0]} {args[1]}: ok\n";
        return 0;
    }

    private async Task<int> SimAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimCli.Build().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        Output += $"edgesim {args[0]} exited {code}\n{output}\n{error}\n";
        return code;
    }

    private async Task<HubHost> StartHubAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var options = new HubOptions { DatabasePath = Database, Listen = $"127.0.0.1:{FreePort()}", Http = "127.0.0.1:0" };
            try
            {
                return await HubHost.StartAsync(options, l => l.AddProvider(_hubLog).SetMinimumLevel(LogLevel.Warning));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 5)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
