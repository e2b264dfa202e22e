using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.TestKit.Mqtt;
using EdgeAgent.TestKit.Processes;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.EndToEnd.Tests;

/// <summary>Which broker the devices and the hub meet at.</summary>
public enum BrokerKind
{
    /// <summary>The hub's own MQTTnet broker, in the hub's process (restarting the broker means restarting the hub).</summary>
    Embedded,

    /// <summary>Debian's Mosquitto, a separate process; the hub consumes from it with <c>--broker</c>.</summary>
    Mosquitto,
}

/// <summary>
/// A pilot site in a temporary directory: a hub (its own process, with its SQLite database), the broker, and one device
/// provisioned with the real <c>edgeagent provision</c> and enrolled with the real <c>edgehub devices enroll</c>. The
/// device runs as the LoadHost (the real agent composition plus a record generator) and can be killed at any moment.
/// </summary>
internal sealed class Site : IAsyncDisposable
{
    public const string Device = "GL-0001";
    public const string Product = "smart-glasses";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The dotnet host, found on PATH the way <see cref="ChildProcess.Start"/> finds it, for a prefixed launch.</summary>
    private static readonly string Dotnet = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "/usr/bin/dotnet";

    private readonly MosquittoBroker? _mosquitto;
    private readonly int _hubPort;
    private readonly List<string> _finishedLogs = [];
    private ChildProcess? _hub;
    private ChildProcess? _agent;
    private Func<string, Task>? _release;

    private Site(string root, BrokerKind broker, MosquittoBroker? mosquitto, int hubPort)
    {
        Root = root;
        Broker = broker;
        _mosquitto = mosquitto;
        _hubPort = hubPort;
    }

    public string Root { get; }

    public BrokerKind Broker { get; }

    public string StateDirectory => Path.Combine(Root, "device");

    public string HubDatabase => Path.Combine(Root, "edgehub.db");

    public string LoadFile => Path.Combine(Root, "load.json");

    public string BrokerUri => $"mqtt://127.0.0.1:{(_mosquitto?.Port ?? _hubPort)}";

    /// <summary>Every "made SEQ" line of every agent run so far: records the agent was told were durable.</summary>
    public List<long> Made { get; } = [];

    /// <summary>The "made SEQ OUTCOME TYPE" lines themselves, of every agent run so far.</summary>
    public List<string> MadeLines { get; } = [];

    public ChildProcess? Agent => _agent;

    /// <summary>
    /// How the agent process is launched: a command it runs under (e.g. <c>ip netns exec NAME</c>), with environment
    /// variables (e.g. libfaketime's); empty by default, for <c>dotnet LoadHost.dll</c> as it is.
    /// </summary>
    public IReadOnlyList<string> AgentPrefix { get; set; } = [];

    /// <inheritdoc cref="AgentPrefix"/>
    public IReadOnlyDictionary<string, string> AgentEnvironment { get; set; } = new Dictionary<string, string>();

    /// <summary>The broker address the agent is given; by default <see cref="BrokerUri"/> (loopback).</summary>
    public string? AgentBrokerUri { get; set; }

    public static Task<Site> StartAsync(BrokerKind broker) => StartAsync(broker, new SiteOptions());

    public static async Task<Site> StartAsync(BrokerKind broker, SiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Directory.CreateTempSubdirectory("edgeagent-e2e-").FullName;
        var mosquitto = broker != BrokerKind.Mosquitto ? null
            : options.BrokerAlsoOn is { } address ? await MosquittoBroker.StartAlsoOnAsync(address) : await MosquittoBroker.StartAsync();
        var site = new Site(root, broker, mosquitto, FreePort()) { _release = options.ReleaseStateDirectory };
        Directory.CreateDirectory(site.StateDirectory);
        if (options.PrepareStateDirectory is { } prepare)
        {
            await prepare(site.StateDirectory);
        }

        var provision = await ChildProcess.RunAsync(Program("Agent"), ["provision", "--device", Device, "--product", Product, "--consent", "--state-dir", site.StateDirectory], StartTimeout);
        Assert.True(provision.ExitCode == 0, $"edgeagent provision failed: {provision.Output} {provision.Error}");
        var enroll = await ChildProcess.RunAsync(Program("Hub"), ["devices", "enroll", "--device", Device, "--product", Product, "--key", Path.Combine(site.StateDirectory, "device-key.pub.pem"), "--db", site.HubDatabase], StartTimeout);
        Assert.True(enroll.ExitCode == 0, $"edgehub devices enroll failed: {enroll.Output} {enroll.Error}");
        await site.SetLoadAsync(untilSeq: 0);
        await site.StartHubAsync();
        return site;
    }

    public async Task StartHubAsync()
    {
        Assert.Null(_hub);
        IEnumerable<string> where = _mosquitto is null ? ["--listen", $"127.0.0.1:{_hubPort}"] : ["--broker", BrokerUri];
        _hub = ChildProcess.Start(Program("Hub"), ["serve", "--db", HubDatabase, "--http", "127.0.0.1:0", .. where]);
        await _hub.WaitForLineAsync(l => l.StartsWith("edgehub: ", StringComparison.Ordinal) && l.Contains("database", StringComparison.Ordinal), StartTimeout, "its ready line");
    }

    public async Task KillHubAsync()
    {
        if (_hub is { } hub)
        {
            await hub.DisposeAsync();
            Keep(hub);
            _hub = null;
        }
    }

    /// <summary>Restarts the broker: Mosquitto is killed and started again; the embedded one goes down with its hub.</summary>
    public async Task RestartBrokerAsync()
    {
        await StopBrokerAsync();
        await StartBrokerAsync();
    }

    public async Task StopBrokerAsync()
    {
        if (_mosquitto is { } m)
        {
            await m.StopAsync();
        }
        else
        {
            await KillHubAsync();
        }
    }

    public async Task StartBrokerAsync()
    {
        if (_mosquitto is { } m)
        {
            await m.StartAgainAsync();
        }
        else
        {
            await StartHubAsync();
        }
    }

    /// <summary>Rewrites the generator's settings; a running agent picks them up at once.</summary>
    public Task SetLoadAsync(long untilSeq, int telemetryEvery = 0, int writers = 4) =>
        WriteAtomicallyAsync(LoadFile, string.Create(CultureInfo.InvariantCulture,
            $$$"""{"Load":{"UntilSeq":{{{untilSeq}}},"TelemetryEvery":{{{telemetryEvery}}},"Writers":{{{writers}}}}}"""));

    /// <summary>Starts the agent (LoadHost) and returns once it is running (its first "made" line or its start log).</summary>
    public async Task StartAgentAsync(params string[] settings)
    {
        Assert.Null(_agent);
        var args = new List<string> { "run", "--load", LoadFile,
            "--set", $"Agent:StateDirectory={StateDirectory}", "--set", "Agent:SystemClock=none", "--set", "Agent:StatusInterval=00:00:00.200",
            "--set", $"Mqtt:Broker={AgentBrokerUri ?? BrokerUri}", "--set", "Mqtt:ReconnectMin=00:00:00.100", "--set", "Mqtt:ReconnectMax=00:00:01",
            "--set", "Mqtt:BatchMaxDelay=00:00:00.020", "--set", "Mqtt:AckTimeout=00:00:03", "--set", "Usage:BudgetInterval=00:00:01" };
        foreach (var s in settings)
        {
            args.Add("--set");
            args.Add(s);
        }

        _agent = AgentPrefix.Count == 0
            ? ChildProcess.Start(Program("LoadHost"), args, AgentEnvironment)
            : ChildProcess.StartExecutable(AgentPrefix[0], [.. AgentPrefix.Skip(1), Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Dotnet, Program("LoadHost"), .. args],
                "EdgeAgent.Device.LoadHost", AgentEnvironment);
        await _agent.WaitForLineAsync(l => l.Contains("Agent started", StringComparison.Ordinal), StartTimeout, "'Agent started'");
    }

    /// <summary>SIGKILLs the agent and keeps the seqs it had reported durable.</summary>
    public async Task KillAgentAsync()
    {
        if (_agent is { } agent)
        {
            await agent.KillAsync();
            Made.AddRange(MadeBy(agent));
            MadeLines.AddRange(agent.Lines.Where(l => l.StartsWith("made ", StringComparison.Ordinal)));
            await agent.DisposeAsync();
            Keep(agent);
            _agent = null;
        }
    }

    /// <summary>SIGTERM: the clean stop (last usage summary, power off), then the process is gone.</summary>
    public async Task StopAgentAsync()
    {
        if (_agent is { } agent)
        {
            await agent.TerminateAsync(StartTimeout);
            Made.AddRange(MadeBy(agent));
            MadeLines.AddRange(agent.Lines.Where(l => l.StartsWith("made ", StringComparison.Ordinal)));
            Assert.True(agent.ExitCode == 0, $"the agent's clean stop exited with {agent.ExitCode}: {agent.ErrorText}");
            await agent.DisposeAsync();
            Keep(agent);
            _agent = null;
        }
    }

    /// <summary>
    /// Fails if the agent or the hub logged an Error or Critical entry in any run so far: outages, kills and intruders
    /// are expected conditions and must show as warnings at most.
    /// </summary>
    public void AssertNoErrorLogged()
    {
        var logs = _finishedLogs.Concat(_agent?.Lines ?? []).Concat(_hub?.Lines ?? []).ToList();
        var errors = logs.Where(l => l.Contains("fail: ", StringComparison.Ordinal) || l.Contains("crit: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} error(s) logged, first: {errors.FirstOrDefault()}");
    }

    private void Keep(ChildProcess process)
    {
        _finishedLogs.AddRange(process.Lines);
        _finishedLogs.AddRange(process.ErrorText.Split('\n'));
    }

    public static IEnumerable<long> MadeBy(ChildProcess agent) =>
        agent.Lines.Where(l => l.StartsWith("made ", StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));

    /// <summary>Waits until the agent has reported at least <paramref name="count"/> more durable records than <paramref name="before"/>.</summary>
    public async Task WaitForMadeAsync(int count, TimeSpan timeout)
    {
        var agent = _agent ?? throw new InvalidOperationException("the agent is not running");
        var seen = 0;
        await agent.WaitForLineAsync(l => l.StartsWith("made ", StringComparison.Ordinal) && ++seen >= count, timeout, $"{count} 'made' lines");
    }

    /// <summary>What the agent last wrote to its status file (an empty object before its first write).</summary>
    public JsonElement AgentStatus()
    {
        var path = Path.Combine(StateDirectory, "status.json");
        using var doc = JsonDocument.Parse(File.Exists(path) ? File.ReadAllBytes(path) : "{}"u8.ToArray());
        return doc.RootElement.Clone();
    }

    /// <summary>A number from the status file, or -1 before the agent first wrote it.</summary>
    public long AgentStatus(string field) => AgentStatus().TryGetProperty(field, out var v) ? v.GetInt64() : -1;

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not within {timeout.TotalSeconds} s: {describe()}");
            }

            await Task.Delay(100);
        }
    }

    public HubRecord[] HubRecords()
    {
        using var db = OpenHub();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT seq, hash, type, payload FROM records WHERE device_id = $d ORDER BY seq";
        command.Parameters.AddWithValue("$d", Device);
        using var reader = command.ExecuteReader();
        var records = new List<HubRecord>();
        while (reader.Read())
        {
            records.Add(new HubRecord(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)));
        }

        return [.. records];
    }

    /// <summary>Each record's wall time as the device wrote it, its source, and when the hub received it (tombstones left out).</summary>
    public HubTime[] HubTimes()
    {
        using var db = OpenHub();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT seq, wall_ms, time_src, received_at_ms FROM records WHERE device_id = $d AND payload IS NOT NULL ORDER BY seq";
        command.Parameters.AddWithValue("$d", Device);
        using var reader = command.ExecuteReader();
        var times = new List<HubTime>();
        while (reader.Read())
        {
            times.Add(new HubTime(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return [.. times];
    }

    public long HubHead()
    {
        using var db = OpenHub();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM heads WHERE device_id = $d";
        command.Parameters.AddWithValue("$d", Device);
        return (long)command.ExecuteScalar()!;
    }

    public Contracts.Records.Checkpoint LatestCheckpoint()
    {
        using var db = OpenHub();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT seq, hash, key_id, sig FROM checkpoints WHERE device_id = $d ORDER BY seq DESC LIMIT 1";
        command.Parameters.AddWithValue("$d", Device);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "the hub kept no checkpoint");
        return new Contracts.Records.Checkpoint { Seq = reader.GetInt64(0), Hash = reader.GetString(1), KeyId = reader.GetString(2), Signature = reader.GetString(3) };
    }

    public Dictionary<string, long> HubRejections()
    {
        using var db = OpenHub();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT reason, count(*) FROM rejections GROUP BY reason";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public ECDsa DevicePublicKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(StateDirectory, "device-key.pub.pem")));
        return key;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAgentAsync();
        await KillHubAsync();
        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }

        if (_release is { } release)
        {
            await release(StateDirectory);
        }

        Directory.Delete(Root, recursive: true);
    }

    private SqliteConnection OpenHub()
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = HubDatabase, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString());
        db.Open();
        return db;
    }

    private static async Task WriteAtomicallyAsync(string path, string text)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    public static string Program(string name)
    {
        var path = typeof(Site).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
        Assert.True(File.Exists(path), $"{path} is not built; build tests/EdgeAgent.EndToEnd.Tests (it builds the programs it runs)");
        return path;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What a site is built with beyond its broker kind (the fault tests' needs; the defaults are the plain site).</summary>
internal sealed record SiteOptions
{
    /// <summary>A further address Mosquitto listens on (same port), e.g. the host end of a veth pair into the device's namespace.</summary>
    public string? BrokerAlsoOn { get; init; }

    /// <summary>Runs on the empty state directory before provisioning, e.g. to mount a small filesystem there.</summary>
    public Func<string, Task>? PrepareStateDirectory { get; init; }

    /// <summary>Runs when the site is disposed, after its processes are gone and before its folder is deleted (e.g. unmount).</summary>
    public Func<string, Task>? ReleaseStateDirectory { get; init; }
}

/// <summary>A row of the hub's records table: a record (type and bytes) or a tombstone (both null).</summary>
internal sealed record HubRecord(long Seq, string Hash, string? Type, byte[]? Payload);

/// <summary>A record's time as the hub holds it: the device's wall_ms and time_src, and the hub's receive time.</summary>
internal sealed record HubTime(long Seq, long? WallMs, string TimeSource, long ReceivedAtMs);
