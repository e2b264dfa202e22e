using System.Net;

namespace EdgeAgent.Hub;

/// <summary>How <c>edgehub serve</c> runs: its database, and either the embedded broker's listen address or an external broker.</summary>
internal sealed record HubOptions
{
    public const string DefaultDatabase = "./edgehub.db";
    public const string DefaultListen = "127.0.0.1:1883";
    public const string DefaultHttp = "127.0.0.1:8080";

    /// <summary>SQLite database file (<c>--db</c>).</summary>
    public string DatabasePath { get; init; } = DefaultDatabase;

    /// <summary>
    /// A PostgreSQL chain store shared by several ingestion workers (<c>--store postgres://...</c>); null: the SQLite
    /// database at <see cref="DatabasePath"/>, one writer. With it, <c>serve</c> runs an ingestion worker only (see the README).
    /// </summary>
    public string? Store { get; init; }

    /// <summary>This worker's name among those sharing <see cref="Store"/> (<c>--worker-id</c>), part of its MQTT client id.</summary>
    public string WorkerId { get; init; } = DefaultWorkerId();

    /// <summary>The MQTT 5 shared-subscription group the workers of one store join (<c>$share/GROUP/...</c>).</summary>
    public string ShareGroup { get; init; } = "edgehub";

    /// <summary>
    /// How long a batch that arrived ahead of its device's head waits, parked, for its predecessor before it is flagged
    /// <c>gap</c> (<c>--gap-grace</c>); default 30 s, twice the agent's 15 s acknowledgement timeout, after which the
    /// agent has sent the predecessor again.
    /// </summary>
    public TimeSpan GapGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when this process is one ingestion worker of a shared PostgreSQL store.</summary>
    public bool IsWorker => Store is not null;

    /// <summary>The MQTT client id ingestion connects with: <see cref="ClientId"/>, plus the worker id for a worker.</summary>
    public string MqttClientId => IsWorker ? $"{ClientId}-{WorkerId}" : ClientId;

    /// <summary>The default worker id: host name and process id, unique among the workers of one machine and across machines.</summary>
    public static string DefaultWorkerId()
    {
        var host = new string([.. Environment.MachineName.Select(c => IsWorkerIdChar(c) ? c : '-').Take(48)]);
        return $"{host}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static bool IsWorkerIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>Embedded broker endpoint, <c>ADDRESS:PORT</c> (<c>--listen</c>); ignored with <see cref="ExternalBroker"/>.</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>REST API and dashboard endpoint, <c>ADDRESS:PORT</c> (<c>--http</c>); port 0 picks a free one.</summary>
    public string Http { get; init; } = DefaultHttp;

    /// <summary>An external broker (<c>--broker mqtt://host:port</c>): no embedded broker is started.</summary>
    public Uri? ExternalBroker { get; init; }

    /// <summary>The embedded broker's TLS listener for devices, <c>ADDRESS:PORT</c> (<c>--mqtts</c>); null: none.</summary>
    public string? Mqtts { get; init; }

    /// <summary>Who the plain listener takes (<c>--plain-access</c>): <c>devices</c> (devices without certificates, never as the hub) or <c>hub-only</c>.</summary>
    public string PlainAccess { get; init; } = Identity.BrokerAccess.PlainDevices;

    /// <summary>Extra DNS names or IP addresses for the TLS listener's server certificate (<c>--tls-name</c>).</summary>
    public IReadOnlyList<string> TlsNames { get; init; } = [];

    /// <summary>The ingestion client's id; its persistent session is kept by the broker under this id (<c>--client-id</c>).</summary>
    public string ClientId { get; init; } = "edgehub-ingest";

    /// <summary>How long the broker keeps the ingestion session (and queues batches) while the hub is away.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The policy profile the REST API's evidence reports are computed by (<c>--profile</c>: an id or a .json path, as <c>edgehub report</c> takes it).</summary>
    public string ReportProfile { get; init; } = Policy.PolicyLoader.DefaultProfile;

    /// <summary>Headless Chromium for the REST API's PDF reports (<c>--chromium</c>).</summary>
    public string Chromium { get; init; } = Reports.ChromiumPdf.DefaultChromium;

    /// <summary>
    /// The hub's address as devices reach it (<c>--public-url</c>), the root of the release and artifact URLs in model
    /// directives; null: the HTTP listen address (<see cref="Http"/>, as bound).
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>How often the rollout engine steps (<c>--rollout-interval</c>, seconds). Default 1 s.</summary>
    public TimeSpan RolloutInterval { get; init; } = TimeSpan.FromSeconds(1);

    public const int MiB = 1 << 20;
    public const int DefaultQueueMegabytes = 64;

    /// <summary>
    /// Most bytes of device batches the embedded broker holds for one session (ingestion's) taken and not yet acknowledged
    /// (<c>--queue-mb</c>); beyond it, it refuses batches as over quota. Ingestion acknowledges a batch only once it is
    /// stored, so this bounds every copy in the hub: the broker's queue, the socket, MQTTnet's receive queue, the inbox.
    /// Default 64 MiB.
    /// </summary>
    public long QueueBytes { get; init; } = DefaultQueueMegabytes * (long)MiB;

    /// <summary>Most batches stored in one transaction.</summary>
    public int MaxGroupBatches { get; init; } = 256;

    /// <summary>Checks every setting; each problem names its option and the allowed values.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            problems.Add("--db: a database file path is required");
        }

        if (Store is not null)
        {
            if (!global::EdgeAgent.Hub.Store.PostgresLocation.TryParse(Store, out _, out _, out var storeProblem))
            {
                problems.Add($"--store {storeProblem}");
            }

            if (ExternalBroker is null)
            {
                problems.Add("--store postgres://...: a worker consumes from a broker the workers share; give --broker mqtt://HOST:PORT (the embedded broker is one process's)");
            }
        }

        if (IsWorker && (string.IsNullOrWhiteSpace(WorkerId) || WorkerId.Length > 64 || WorkerId.Any(c => !IsWorkerIdChar(c))))
        {
            problems.Add($"--worker-id '{WorkerId}': 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.'");
        }

        if (GapGrace < TimeSpan.FromMilliseconds(100) || GapGrace > TimeSpan.FromHours(1))
        {
            problems.Add($"--gap-grace {GapGrace.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}: 0.1-3600 seconds");
        }

        if (ExternalBroker is null && !TryParseListen(Listen, out _, out _))
        {
            problems.Add($"--listen '{Listen}': expected ADDRESS:PORT with an IP address and a port 1-65535, e.g. {DefaultListen}");
        }

        if (!TryParseListen(Http, out _, out _, allowPortZero: true))
        {
            problems.Add($"--http '{Http}': expected ADDRESS:PORT with an IP address and a port 0-65535 (0: any free port), e.g. {DefaultHttp}");
        }

        if (ExternalBroker is { } b && (b.Scheme is not ("mqtt" or "mqtts") || b.Port is < 1 or > 65535 || string.IsNullOrEmpty(b.Host)))
        {
            problems.Add($"--broker '{b}': expected mqtt://HOST:PORT or mqtts://HOST:PORT");
        }

        if (ExternalBroker is { UserInfo: var info } && info.Contains(':', StringComparison.Ordinal))
        {
            problems.Add($"--broker: a password does not go on the command line; name the user (mqtt://USER@HOST:PORT) and set {Identity.IngestionCredentials.PasswordVariable}");
        }

        if (Mqtts is not null && (ExternalBroker is not null || !TryParseListen(Mqtts, out _, out _)))
        {
            problems.Add(ExternalBroker is not null
                ? "--mqtts: the TLS listener belongs to the embedded broker; with --broker, configure the external broker (edgehub broker-config)"
                : $"--mqtts '{Mqtts}': expected ADDRESS:PORT with an IP address and a port 1-65535, e.g. 0.0.0.0:8883");
        }

        if (PlainAccess is not (Identity.BrokerAccess.PlainDevices or Identity.BrokerAccess.PlainHubOnly))
        {
            problems.Add($"--plain-access '{PlainAccess}': allowed values: {Identity.BrokerAccess.PlainDevices}, {Identity.BrokerAccess.PlainHubOnly}");
        }

        foreach (var name in TlsNames)
        {
            if (Uri.CheckHostName(name) is UriHostNameType.Unknown or UriHostNameType.Basic)
            {
                problems.Add($"--tls-name '{name}': expected a DNS name or an IP address");
            }
        }

        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 64)
        {
            problems.Add("--client-id: 1-64 characters");
        }

        try
        {
            _ = Policy.PolicyLoader.Load(ReportProfile);
        }
        catch (Policy.PolicyException e)
        {
            problems.Add($"--profile: {e.Message}");
        }

        if (PublicUrl is { } u && (!u.IsAbsoluteUri || u.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(u.Query) || !string.IsNullOrEmpty(u.Fragment)))
        {
            problems.Add($"--public-url '{u}': expected an absolute http:// or https:// URL without query, e.g. http://hub.example:8080");
        }

        if (RolloutInterval < TimeSpan.FromMilliseconds(10) || RolloutInterval > TimeSpan.FromHours(1))
        {
            problems.Add($"--rollout-interval {RolloutInterval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}: 0.01-3600 seconds");
        }

        if (QueueBytes < MiB || QueueBytes > 4096L * MiB)
        {
            problems.Add($"--queue-mb {QueueBytes / MiB}: 1-4096");
        }

        if (MaxGroupBatches is < 1 or > 10_000)
        {
            problems.Add($"MaxGroupBatches {MaxGroupBatches}: 1-10000");
        }

        return problems;
    }

    public static bool TryParseListen(string value, out IPAddress address, out int port, bool allowPortZero = false)
    {
        address = IPAddress.Loopback;
        port = 0;
        if (!IPEndPoint.TryParse(value ?? "", out var ep) || !value!.Contains(':', StringComparison.Ordinal) || ep.Port > 65535 || (ep.Port == 0 && !allowPortZero))
        {
            return false;
        }

        address = ep.Address;
        port = ep.Port;
        return true;
    }

    /// <summary>Where ingestion connects: the external broker, or the embedded one.</summary>
    public Uri BrokerUri()
    {
        if (ExternalBroker is { } b)
        {
            return b;
        }

        _ = TryParseListen(Listen, out var address, out var port);
        var host = address.Equals(IPAddress.Any) ? "127.0.0.1" : address.ToString();
        return new Uri($"mqtt://{host}:{port}");
    }
}
