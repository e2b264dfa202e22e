using System.Globalization;
using System.Text.Json;
using EdgeAgent.TestKit.Catalog;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.EndToEnd.Tests.Rollouts;

/// <summary>One record of a device as <c>edgehub records</c> prints it.</summary>
internal sealed record HubRecord(long Seq, string Type, JsonElement Data);

/// <summary>
/// A city hub and a fleet of real agents on loopback, for model delivery: the hub process (embedded broker, HTTP, SQLite,
/// the rollout engine) with a release key and one published release — a new build of the real silero-vad model
/// (FleetHost's <c>release</c>, TestKit's <c>OnnxRebuild</c>) as version <see cref="NewVersion"/> — and N agents provisioned and enrolled by the real
/// commands, running in one FleetHost process, each with a silero-vad pipeline on a short WAV and the release key trusted.
/// </summary>
internal sealed class RolloutSite : IAsyncDisposable
{
    public const string Product = "inspection-drone";
    public const string Model = "silero-vad";
    public const string NewVersion = "5.1.1";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly int _mqttPort = Site.FreePort();
    private readonly int _httpPort = Site.FreePort();
    private ChildProcess? _hub;
    private ChildProcess? _fleet;

    private RolloutSite(string root, IReadOnlyList<string> devices, string newSha256)
    {
        Root = root;
        Devices = devices;
        NewSha256 = newSha256;
    }

    public string Root { get; }

    public IReadOnlyList<string> Devices { get; }

    /// <summary>SHA-256 of the published build; the catalog pins the old one.</summary>
    public string NewSha256 { get; }

    public static string OldSha256 => RealModels.Entry(Model).Sha256;

    public string Database => Path.Combine(Root, "edgehub.db");

    public string BrokerUri => $"mqtt://127.0.0.1:{_mqttPort}";

    public ChildProcess? Fleet => _fleet;

    /// <summary>Provisions and enrols <paramref name="devices"/> agents, makes the release key and publishes the new build.</summary>
    public static async Task<RolloutSite> CreateAsync(int devices, string prefix = "DR-")
    {
        var root = Directory.CreateTempSubdirectory("edgeagent-rollout-").FullName;
        await Run("FleetHost", "provision", "--dir", Path.Combine(root, "fleet"), "--devices", devices.ToString(CultureInfo.InvariantCulture), "--product", Product, "--prefix", prefix, "--keys", Path.Combine(root, "keys"));
        await Run("Hub", "devices", "enroll", "--product", Product, "--key-dir", Path.Combine(root, "keys"), "--db", Path.Combine(root, "edgehub.db"));
        await Run("Hub", "models", "keygen", "--out", Path.Combine(root, "release-key.pem"));

        var release = Path.Combine(root, "release");
        var sha = (await Run("FleetHost", "release", "--catalog", RepositoryRoot.Combine("models", "catalog.json"), "--model", Model, "--version", NewVersion, "--out", release)).Trim();
        await Run("Hub", "models", "publish", "--name", Model, "--version", NewVersion, "--file", Path.Combine(release, $"{Model}-{NewVersion}.onnx"),
            "--entry", Path.Combine(release, "entry.json"), "--key", Path.Combine(root, "release-key.pem"), "--db", Path.Combine(root, "edgehub.db"));

        WriteWav(Path.Combine(root, "tone.wav"), TimeSpan.FromSeconds(0.5));
        var serials = Enumerable.Range(1, devices).Select(n => string.Create(CultureInfo.InvariantCulture, $"{prefix}{n:0000}")).ToList();
        return new RolloutSite(root, serials, sha);
    }

    public async Task StartHubAsync()
    {
        _hub = ChildProcess.Start(Site.Program("Hub"), ["serve", "--db", Database, "--listen", $"127.0.0.1:{_mqttPort}", "--http", $"127.0.0.1:{_httpPort}", "--rollout-interval", "0.2"]);
        await _hub.WaitForLineAsync(l => l.StartsWith("edgehub: listening", StringComparison.Ordinal), CommandTimeout, "its ready line");
    }

    /// <summary>Starts every agent in one FleetHost process; <paramref name="faults"/> are settings for some devices only.</summary>
    public async Task StartFleetAsync(params (IEnumerable<string> Devices, string Setting)[] faults)
    {
        var args = new List<string> { "run", "--dir", Path.Combine(Root, "fleet") };
        foreach (var setting in AgentSettings)
        {
            args.Add("--set");
            args.Add(setting);
        }

        foreach (var (devices, setting) in faults)
        {
            args.AddRange(["--set-for", string.Join(',', devices), setting]);
        }

        _fleet = ChildProcess.Start(Site.Program("FleetHost"), args);
        await _fleet.WaitForLineAsync(l => l.StartsWith("fleet running", StringComparison.Ordinal), TimeSpan.FromSeconds(180), "'fleet running'");
    }

    /// <summary>
    /// One device as its own <c>edgeagent run</c> process (the shipped program, logging at Information), with the fleet's
    /// settings and <paramref name="extra"/>; returns once it has started.
    /// </summary>
    public async Task<ChildProcess> StartAgentAsync(string device, params string[] extra)
    {
        var args = new List<string> { "run" };
        foreach (var setting in AgentSettings.Append($"Agent:StateDirectory={StateDirectory(device)}").Concat(extra))
        {
            args.Add("--set");
            args.Add(setting);
        }

        var agent = ChildProcess.Start(Site.Program("Agent"), args);
        await agent.WaitForLineAsync(l => l.Contains("Agent started", StringComparison.Ordinal), CommandTimeout, "'Agent started'");
        return agent;
    }

    public string StateDirectory(string device) => Path.Combine(Root, "fleet", device);

    /// <summary>
    /// Waits until the status file written by <paramref name="agent"/> (not one a killed run left) says <paramref name="until"/>
    /// holds, failing after <paramref name="timeout"/>.
    /// </summary>
    public async Task<JsonElement> WaitForStatusAsync(string device, ChildProcess agent, Func<JsonElement, bool> until, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var path = Path.Combine(StateDirectory(device), "status.json");
        while (true)
        {
            try
            {
                var status = JsonDocument.Parse(await File.ReadAllBytesAsync(path)).RootElement;
                if (status.GetProperty("pid").GetInt32() == agent.Id && until(status))
                {
                    return status.Clone();
                }

                Assert.False(cancel.IsCancellationRequested, $"{device} never {what} in {timeout}; status: {status}");
            }
            catch (Exception e) when (e is IOException or JsonException && !cancel.IsCancellationRequested)
            {
            }

            await Task.Delay(50);
        }
    }

    private string[] AgentSettings =>
    [
        $"Mqtt:Broker={BrokerUri}", "Mqtt:ReconnectMin=00:00:00.100", "Mqtt:ReconnectMax=00:00:01", "Mqtt:BatchMaxDelay=00:00:00.050",
        "Agent:SystemClock=none", "Agent:StatusInterval=00:00:00.100",
        $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}", $"Models:Cache={RepositoryRoot.Combine("models", ".cache")}",
        $"Models:Pipelines:0:Model={Model}", $"Models:Pipelines:0:Input={Path.Combine(Root, "tone.wav")}", "Models:Pipelines:0:Interval=00:00:00.500",
        $"Updates:TrustedKeys:0={Path.Combine(Root, "release-key.pub.pem")}", "Updates:Download:RetryDelay=00:00:00.200",
    ];

    /// <summary>Runs an <c>edgehub</c> command against the site's database and returns its standard output.</summary>
    public async Task<string> HubAsync(params string[] args)
    {
        var (code, output, error) = await ChildProcess.RunAsync(Site.Program("Hub"), [.. args, "--db", Database], CommandTimeout);
        Assert.True(code == 0, $"edgehub {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    /// <summary>Creates a campaign for the new build and returns its id.</summary>
    public async Task<string> CreateRolloutAsync(params string[] options) =>
        (await HubAsync(["rollout", "create", "--model", Model, "--version", NewVersion, "--target", $"product={Product}", .. options])).Trim();

    /// <summary>The campaign's state word from <c>edgehub rollout status ID</c>'s first line.</summary>
    public async Task<string> CampaignStateAsync(string id) => (await HubAsync("rollout", "status", id)).Split('\n')[0].Split('\t')[3];

    /// <summary>Per device, in the campaign's order: (device, wave or null, status) from <c>rollout status ID --devices</c>.</summary>
    public async Task<IReadOnlyList<(string Device, int? Wave, string Status)>> CampaignDevicesAsync(string id) =>
        [.. (await HubAsync("rollout", "status", id, "--devices")).Split('\n')
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && Devices.Contains(l.Trim().Split('\t')[0]))
            .Select(l => l.Trim().Split('\t'))
            .Select(f => (f[0], f[1] == "wave -" ? (int?)null : int.Parse(f[1]["wave ".Length..], CultureInfo.InvariantCulture), f[3]))];

    /// <summary>Waits until the campaign reaches one of <paramref name="states"/>, failing with its status after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForCampaignAsync(string id, TimeSpan timeout, params string[] states)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var state = await CampaignStateAsync(id);
            if (states.Contains(state))
            {
                return state;
            }

            if (cancel.IsCancellationRequested)
            {
                Assert.Fail($"campaign {id} is {state} after {timeout}, not {string.Join(" or ", states)}:\n{await HubAsync("rollout", "status", id, "--devices")}\nfleet: {string.Join('\n', _fleet?.Lines.TakeLast(30) ?? [])}{_fleet?.ErrorText}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The campaign's status with its devices, and the last <c>model.update</c> of each device that failed: for assertion messages.</summary>
    public async Task<string> ExplainAsync(string id)
    {
        var text = new System.Text.StringBuilder(await HubAsync("rollout", "status", id, "--devices"));
        foreach (var (device, _, status) in await CampaignDevicesAsync(id))
        {
            if (status == "failed")
            {
                text.Append(device).Append(": ").AppendLine((await RecordsAsync(device)).LastOrDefault(r => r.Type == "model.update")?.Data.ToString());
            }
        }

        return text.ToString();
    }

    /// <summary>The device's records the hub verified and stored.</summary>
    public async Task<IReadOnlyList<HubRecord>> RecordsAsync(string device) =>
        [.. (await HubAsync("records", "--device", device)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => new HubRecord(r.GetProperty("seq").GetInt64(), r.GetProperty("type").GetString()!, r.TryGetProperty("data", out var d) ? d.Clone() : default))];

    /// <summary>The <c>state</c> of each <c>model.update</c> record of <paramref name="campaign"/>, in seq order.</summary>
    public async Task<IReadOnlyList<string>> UpdateStatesAsync(string device, string campaign) =>
        [.. (await RecordsAsync(device)).Where(r => r.Type == "model.update" && r.Data.GetProperty("campaign").GetString() == campaign).Select(r => r.Data.GetProperty("state").GetString()!)];

    /// <summary>Waits until every device's records of <paramref name="campaign"/> end in a state of <paramref name="final"/>.</summary>
    public async Task WaitForFinalAsync(IEnumerable<string> devices, string campaign, TimeSpan timeout, params string[] final)
    {
        using var cancel = new CancellationTokenSource(timeout);
        foreach (var device in devices)
        {
            while (await UpdateStatesAsync(device, campaign) is var states && (states.Count == 0 || !final.Contains(states[^1])))
            {
                Assert.False(cancel.IsCancellationRequested, $"{device}'s update of {campaign} is at [{string.Join(", ", states)}] after {timeout}");
                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The fleet first: agents stop cleanly while their hub still acknowledges.
        if (_fleet is { } fleet)
        {
            await fleet.TerminateAsync(TimeSpan.FromSeconds(120));
            await fleet.DisposeAsync();
        }

        if (_hub is { } hub)
        {
            await hub.TerminateAsync(CommandTimeout);
            await hub.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> Run(string program, params string[] args)
    {
        var (code, output, error) = await ChildProcess.RunAsync(Site.Program(program), args, CommandTimeout);
        Assert.True(code == 0, $"{program} {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    /// <summary>16 kHz mono 16-bit PCM: a 300 Hz tone rising and falling, the pipeline's sample input.</summary>
    private static void WriteWav(string path, TimeSpan duration)
    {
        const int Rate = 16000;
        var samples = (int)(Rate * duration.TotalSeconds);
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + (samples * 2));
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(Rate);
        w.Write(Rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var envelope = Math.Sin(Math.PI * i / samples);
            w.Write((short)(12000 * envelope * Math.Sin(2 * Math.PI * 300 * i / Rate)));
        }
    }
}
