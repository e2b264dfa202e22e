using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.TestKit.Logging;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>
/// A hub in-process with two enterprises and their devices, verified records ingested through the real
/// <see cref="IngestionProcessor"/>, a rejected batch for each enterprise, and one account per role:
/// ORG-A makes glasses-a (GA-0001 commissioned at SITE-1, GA-0002 not commissioned); ORG-B makes drone-b (DB-0001
/// commissioned at SITE-2). The registry has one paid invoice line per enterprise for its commissioned unit (INV-A1,
/// INV-B1, both to BUY-1), deliveries, one compute contract each (CC-A1, CC-B1) with an invoice, a KPI specification and a
/// pilot document per product.
/// </summary>
internal sealed class SeededFleet : IAsyncDisposable
{
    public const string Password = "correct horse battery";
    public const string Admin = "root";
    public const string Auditor = "audit";
    public const string TeamA = "team-a";
    public const string TeamB = "team-b";
    public const string Site1 = "site-1";

    /// <summary>The activation of every device is on this instant (2025-11-29 08:00 UTC), from an NTP-synced clock.</summary>
    public const long ActivatedAtMs = 1_764_403_200_000;

    private readonly List<TestDevice> _devices = [];
    private Releases.ReleaseFiles? _release;

    private SeededFleet(HubUnderTest hub)
    {
        Hub = hub;
    }

    public HubUnderTest Hub { get; }

    public Uri Http => Hub.Host.HttpUri;

    /// <summary>Device id → (enterprise, site or null).</summary>
    public static IReadOnlyDictionary<string, (string Org, string? Site)> Devices { get; } = new Dictionary<string, (string, string?)>
    {
        ["GA-0001"] = ("ORG-A", "SITE-1"),
        ["GA-0002"] = ("ORG-A", null),
        ["DB-0001"] = ("ORG-B", "SITE-2"),
    };

    public static async Task<SeededFleet> StartAsync()
    {
        var fleet = new SeededFleet(await HubUnderTest.StartAsync(mosquitto: false));
        try
        {
            fleet.Seed();
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>The devices an account of this role and tenant may see.</summary>
    public static IReadOnlySet<string> VisibleTo(string user) => user switch
    {
        Admin or Auditor => Devices.Keys.ToHashSet(),
        TeamA => Devices.Where(d => d.Value.Org == "ORG-A").Select(d => d.Key).ToHashSet(),
        TeamB => Devices.Where(d => d.Value.Org == "ORG-B").Select(d => d.Key).ToHashSet(),
        Site1 => Devices.Where(d => d.Value.Site == "SITE-1").Select(d => d.Key).ToHashSet(),
        _ => new HashSet<string>(),
    };

    /// <summary>An HTTP client with its own cookie jar, logged in as <paramref name="user"/> (or not, when null).</summary>
    public async Task<HttpClient> ClientAsync(string? user)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Http };
        if (user is not null)
        {
            using var login = await http.PostAsJsonAsync("/api/v1/session", new { user, password = Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        return http;
    }

    /// <summary>
    /// Publishes release tiny-test 1.0.0 and starts a campaign of it for glasses-a (GA-0001 and GA-0002, which do not
    /// answer: it stays running in wave 1); returns the campaign id.
    /// </summary>
    public string SeedRollout()
    {
        _release ??= new Releases.ReleaseFiles();
        _release.Publish(Hub.DatabasePath);
        using var store = Hub.OpenStore();
        var (campaign, _) = new EdgeAgent.Hub.Rollouts.RolloutStore(store, TimeProvider.System).Create(new EdgeAgent.Hub.Rollouts.CampaignRequest(
            Releases.ReleaseFiles.Model, "1.0.0", new EdgeAgent.Hub.Rollouts.RolloutTarget("glasses-a", null, null), [50m, 100m], 95m, 5m, new EdgeAgent.Contracts.Releases.ProbationPolicy()));
        return campaign.Id;
    }

    /// <summary>The published release's artifact hash (after <see cref="SeedRollout"/>).</summary>
    public string ReleaseSha256 => _release?.Sha256 ?? throw new InvalidOperationException("SeedRollout first");

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _devices)
        {
            d.Dispose();
        }

        await Hub.DisposeAsync();
        _release?.Dispose();
    }

    private void Seed()
    {
        using var store = Hub.OpenStore();
        using (var cmd = store.Command("""
            INSERT INTO organisations VALUES ('ORG-A', 'Enterprise A', '91330100MA00000001', NULL), ('ORG-B', 'Enterprise B', '91330100MA00000002', NULL);
            INSERT INTO products VALUES ('glasses-a', 'ORG-A', 'Glasses A', 'smart-terminal'), ('drone-b', 'ORG-B', 'Drone B', 'robot');
            INSERT INTO sites VALUES ('SITE-1', 'ORG-A', 'Site one', '330106', 'first-unit'), ('SITE-2', 'ORG-B', 'Site two', '330108', 'first-unit');
            INSERT INTO serials VALUES ('GA-0001', 'glasses-a', 'sale', '2025-10-01'), ('GA-0002', 'glasses-a', 'demo', '2025-10-01'), ('DB-0001', 'drone-b', 'sale', '2025-10-02');
            INSERT INTO organisations VALUES ('BUY-1', 'Buyer One', '91330100MA00000003', NULL);
            INSERT INTO invoice_lines VALUES ('INV-A1', 1, 'invoice', '2025-11-20', 'ORG-A', 'BUY-1', 'glasses-a', 'GA-0001', '1000.00', NULL, NULL, NULL, NULL),
                ('INV-B1', 1, 'invoice', '2025-11-21', 'ORG-B', 'BUY-1', 'drone-b', 'DB-0001', '5000.00', NULL, NULL, NULL, NULL);
            INSERT INTO payments VALUES ('PAY-A1', 'INV-A1', '2025-11-25', '1000.00'), ('PAY-B1', 'INV-B1', '2025-11-26', '5000.00');
            INSERT INTO deliveries VALUES ('GA-0001', '2025-11-22', 'SITE-1', NULL), ('DB-0001', '2025-11-23', 'SITE-2', NULL);
            INSERT INTO compute_contracts VALUES ('CC-A1', 'ORG-A', 'cloud-a', 'domestic_compute', 'city', '2025-01-10', '100000.00'), ('CC-B1', 'ORG-B', 'cloud-b', 'domestic_compute', 'city', '2025-01-11', '200000.00');
            INSERT INTO compute_invoices VALUES ('CI-A1', 'CC-A1', '2025-06-01', '50000.00', 1000), ('CI-B1', 'CC-B1', '2025-06-02', '80000.00', 2000);
            INSERT INTO kpi_specs VALUES ('glasses-a', 'latency_ms', 'ms', 'max', '200'), ('drone-b', 'flight_min', 'min', 'min', '20');
            INSERT INTO pilot_documents VALUES ('SITE-1', 'glasses-a', 'acceptance', '2025-12-01', 'aaaa'), ('SITE-2', 'drone-b', 'acceptance', '2025-12-02', 'bbbb');
            """))
        {
            cmd.ExecuteNonQuery();
        }

        var accounts = new AccountStore(store);
        var hash = Passwords.Hash(Password);
        foreach (var (user, role, org, site) in new (string, string, string?, string?)[]
        {
            (Admin, Roles.Admin, null, null), (Auditor, Roles.Auditor, null, null), (TeamA, Roles.Product, "ORG-A", null), (TeamB, Roles.Product, "ORG-B", null), (Site1, Roles.Site, null, "SITE-1"),
        })
        {
            accounts.Add(new Account(user, role, org, site, false, 1), hash);
        }

        using var processor = new IngestionProcessor(store, TimeProvider.System, new ListLogger<IngestionProcessor>());
        foreach (var (id, (_, site)) in Devices)
        {
            var device = new TestDevice(id, id.StartsWith("GA", StringComparison.Ordinal) ? "glasses-a" : "drone-b");
            _devices.Add(device);
            Hub.Enroll(device);
            var records = new List<byte[]>
            {
                device.Next(RecordTypes.DeviceActivated, """{"region":"330106","account":"9f2c0d1e"}""", 5_000, ActivatedAtMs, TimeSources.Ntp),
                device.Next(RecordTypes.ClockSync, $$"""{"boot":1,"t0_mono_ms":6000,"t1_mono_ms":6040,"hub_ms":{{ActivatedAtMs + 1_020}},"offset_ms":{{ActivatedAtMs - 5_000}},"err_ms":20}""", 6_040, ActivatedAtMs + 1_040, TimeSources.Hub),
                device.Next(RecordTypes.UsageSummary, """{"period_s":900,"operate_s":1800,"idle_s":0}""", 906_000, ActivatedAtMs + 901_000, TimeSources.Hub),
                device.Next(RecordTypes.FaultRaised, """{"code":"E42","subsystem":"camera","severity":"major","relevant":true}""", 907_000, ActivatedAtMs + 902_000, TimeSources.Hub),
                device.Next(RecordTypes.ModelChanged, """{"kind":"update","from":"none","to":"blazeface"}""", 908_000, ActivatedAtMs + 903_000, TimeSources.Hub),
            };
            if (site is not null)
            {
                records.Add(device.Next(RecordTypes.DeploymentCommissioned, $$"""{"site":"{{site}}"}""", 909_000, ActivatedAtMs + 904_000, TimeSources.Hub));
            }

            var acks = processor.Process([new IncomingBatch(device.EventsTopic, device.Batch(records))]);
            Assert.Equal(device.Seq, Assert.Single(acks).Ack.AckedSeq);

            // One flagged input per device: a batch signed with another key.
            using var impostor = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var bad = device.Encode(device.Seq + 1, device.HeadHash, monoMs: 910_000);
            processor.Process([new IncomingBatch(device.EventsTopic, device.Batch([bad], signer: impostor))]);
        }
    }

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();
}
