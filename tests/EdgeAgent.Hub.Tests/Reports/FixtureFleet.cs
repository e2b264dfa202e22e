using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Reports;

/// <summary>
/// The golden fleet, built the way a real one is: the registry through <c>edgehub import</c>, the devices' records as
/// real signed, chained batches through the hub's ingestion into its store. Year 2025, Hangzhou time (+08:00).
/// <list type="bullet">
/// <item>ent-a: product pa (35,000,000 per unit: A1, A2 sold, A2 reactivated; A3 invoiced, unpaid, never activated) and
/// pa2 (A4 invoiced and paid, not activated: tier B). Its award at 5% exceeds the cap.</item>
/// <item>ent-b: product pb (10,000 per unit): B1 (no RTC, anchored by clock.sync; a price credit of 1,000), B2 (demo), B3
/// (sold to a related party), B4 (returned after 4 days), B5 (returned after 18 days, credited in full), B6 (exchanged
/// for B7), B8 (activated, never invoiced), B9 (activated in two regions 2 h apart), B10 (a second key sends batches as
/// B10). Pilot sites site-1 (buyer-x, prog-city) and site-2 (buyer-rel, related to ent-b, prog-national).</item>
/// </list>
/// </summary>
internal sealed class FixtureFleet : IDisposable
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>When the reports are made: after the year's end, so every service window ends on 2026-01-01 00:00.</summary>
    public static readonly DateTimeOffset ReportTime = new(2026, 3, 1, 9, 0, 0, Cst);

    /// <summary>B1 has no RTC: its one boot is anchored with this offset (wall = mono + offset, ± 20 ms).</summary>
    private static readonly long B1Offset = At(2025, 4, 1, 0, 0) - 1_000;

    private readonly TempDirectory _dir = new();
    private readonly List<TestDevice> _devices = [];

    public string Db => _dir.Combine("hub.db");

    public string Dir => _dir.Path;

    public static long At(int y, int mo, int d, int h, int mi) => new DateTimeOffset(y, mo, d, h, mi, 0, Cst).ToUnixTimeMilliseconds();

    public static async Task<FixtureFleet> BuildAsync()
    {
        var fleet = new FixtureFleet();
        await fleet.ImportAsync();
        fleet.Ingest();
        return fleet;
    }

    public ReportInputs Inputs()
    {
        using var store = HubStore.Open(Db);
        return EvidenceReader.Read(store);
    }

    public static PolicyProfile Profile => PolicyLoader.Load(RepositoryRoot.Combine("policies", "hz-2025-draft.json"));

    public static ReportHeaderFactory Header(ReportInputs inputs) => new(Profile, inputs.Inputs, ReportTime);

    public void Dispose()
    {
        foreach (var d in _devices)
        {
            d.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private async Task ImportAsync()
    {
        const string Invoices = "invoice_no,line,kind,issued_on,seller_id,buyer_id,product_id,serials,amount_cny,credits_invoice,reason,returned_on,contract_id\n";
        var files = new (string Kind, string Csv)[]
        {
            ("organisations", """
                org_id,name,credit_code,related_to
                ent-a,Alpha Robotics Co. Ltd,91330106MA2CFD8K1X,
                ent-b,Beta Glasses Co. Ltd,91330106MA2CFD8K2X,
                buyer-x,Xihu Logistics Co. Ltd,91330106MA2CFD8K3X,
                buyer-rel,Beta Trading Co. Ltd,91330106MA2CFD8K4X,ent-b
                """),
            ("products", """
                product_id,enterprise_id,name,category
                pa,ent-a,Alpha inspection robot,robot
                pa2,ent-a,Alpha mini robot,robot
                pb,ent-b,Beta AR glasses,smart_glasses
                """),
            ("sites", """
                site_id,org_id,name,region_code,pilot_programme
                site-1,buyer-x,Xihu depot,330106,prog-city
                site-2,buyer-rel,Binjiang store,330108,prog-national
                """),
            ("serials", """
                serial,product_id,unit_class,manufactured_on
                A1,pa,sale,2025-01-05
                A2,pa,sale,2025-01-05
                A3,pa,sale,2025-01-05
                A4,pa2,sale,2025-01-05
                B1,pb,sale,2025-01-05
                B2,pb,demo,2025-01-05
                B3,pb,sale,2025-01-05
                B4,pb,sale,2025-01-05
                B5,pb,sale,2025-01-05
                B6,pb,sale,2025-01-05
                B7,pb,sale,2025-01-05
                B8,pb,sale,2025-01-05
                B9,pb,sale,2025-01-05
                B10,pb,sale,2025-01-05
                """),
            ("contracts", """
                contract_id,seller_id,buyer_id,product_id,signed_on,units
                C-B1,ent-b,buyer-x,pb,2025-03-15,4
                """),
            ("invoices", Invoices + """
                INV-A1,1,invoice,2025-03-01,ent-a,buyer-x,pa,A1;A2,70000000.00,,,,
                INV-A2,1,invoice,2025-05-01,ent-a,buyer-x,pa,A3,35000000.00,,,,
                INV-A3,1,invoice,2025-06-01,ent-a,buyer-x,pa2,A4,1000000.00,,,,
                INV-B1,1,invoice,2025-04-01,ent-b,buyer-x,pb,B1,10000.00,,,,C-B1
                INV-B1,2,invoice,2025-04-01,ent-b,buyer-x,pb,B2,10000.00,,,,C-B1
                INV-B2,1,invoice,2025-04-10,ent-b,buyer-rel,pb,B3,10000.00,,,,
                INV-B3,1,invoice,2025-07-01,ent-b,buyer-x,pb,B4;B5,20000.00,,,,
                INV-B4,1,invoice,2025-08-01,ent-b,buyer-x,pb,B6,10000.00,,,,
                INV-B5,1,invoice,2025-09-01,ent-b,buyer-x,pb,B9;B10,20000.00,,,,
                CN-B1,1,credit_note,2025-04-20,ent-b,buyer-x,pb,B1,-1000.00,INV-B1,price,,
                CN-B2,1,credit_note,2025-07-06,ent-b,buyer-x,pb,B4,-10000.00,INV-B3,return,2025-07-06,
                CN-B3,1,credit_note,2025-07-20,ent-b,buyer-x,pb,B5,-10000.00,INV-B3,return,2025-07-20,
                """),
            ("payments", """
                payment_id,invoice_no,paid_on,amount_cny
                P-A1,INV-A1,2025-03-20,70000000.00
                P-A3,INV-A3,2025-06-10,1000000.00
                P-B1a,INV-B1,2025-04-15,10000.00
                P-B1b,INV-B1,2025-04-25,9000.00
                P-B5,INV-B5,2025-09-05,20000.00
                """),
            ("deliveries", """
                serial,delivered_on,site_id,contract_id
                B1,2025-04-03,site-1,C-B1
                B4,2025-07-02,,
                B5,2025-07-02,,
                """),
            ("exchanges", """
                replacement_serial,original_serial,exchanged_on
                B7,B6,2025-08-20
                """),
            ("compute-contracts", """
                contract_id,enterprise_id,provider,category,programme,signed_on,amount_cny
                CC-A1,ent-a,Example Cloud,model_service_filed,city,2025-01-10,40000000.00
                CC-A2,ent-a,Example Compute,other_compute,both,2025-01-10,2000000.00
                CC-A3,ent-a,Example Data,data_purchase,city,2025-01-10,500000.00
                CC-B1,ent-b,Domestic GPU Co,domestic_compute,national,2024-12-01,200000.00
                """),
            ("compute-invoices", """
                invoice_no,contract_id,issued_on,amount_cny,calls
                CI-A1a,CC-A1,2025-03-31,10000000.00,1000
                CI-A1b,CC-A1,2025-06-30,20000000.00,2000
                CI-A2,CC-A2,2025-05-31,1000000.00,0
                CI-A3,CC-A3,2025-05-31,500000.00,0
                CI-B0,CC-B1,2024-12-30,10000.00,0
                CI-B1,CC-B1,2025-02-28,100000.00,0
                """),
            ("kpi-specs", """
                product_id,kpi,unit,direction,spec_value
                pb,latency_ms,ms,max,50
                """),
            ("pilot-documents", """
                site_id,product_id,document,signed_on,sha256
                site-1,pb,contract,2025-03-15,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
                site-1,pb,use_report,2025-12-20,60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
                """),
        };
        foreach (var (kind, csv) in files)
        {
            var path = _dir.Combine(kind + ".csv");
            await File.WriteAllTextAsync(path, csv.Replace("\r", "", StringComparison.Ordinal) + "\n");
            var result = await HubCliRunner.RunAsync("import", kind, path, "--db", Db);
            Assert.True(result.Code == 0, $"{kind}: {result.Error}");
        }
    }

    private void Ingest()
    {
        // Synced devices: wall = the time given, ntp; mono counts from a boot at 2025-01-01 00:00.
        var boot = At(2025, 1, 1, 0, 0);
        var batches = new List<(TestDevice Device, List<byte[]> Records)>();
        TestDevice Device(string id, string product, params (string Type, string Data, long At)[] records)
        {
            var d = new TestDevice(id, product);
            _devices.Add(d);
            batches.Add((d, [.. records.Select(r => d.Next(r.Type, r.Data, r.At - boot, r.At, TimeSources.Ntp))]));
            return d;
        }

        const string Activated = RecordTypes.DeviceActivated;
        const string Commissioned = RecordTypes.DeploymentCommissioned;
        const string Usage = RecordTypes.UsageSummary;
        Device("A1", "pa",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 3, 5, 10, 0)),
            (Commissioned, """{"site":"site-2"}""", At(2025, 3, 10, 8, 0)),
            (Usage, """{"period_s":7200,"operate_s":7200,"idle_s":0,"charge_s":0,"fault_s":0}""", At(2025, 3, 12, 12, 0)),
            (RecordTypes.ComputeUsage, """{"contract":"CC-A1","model":"qwen-vl","provider":"Example Cloud","category":"model_service_filed","calls":1200}""", At(2025, 3, 30, 12, 0)),
            (RecordTypes.ComputeUsage, """{"contract":"CC-A1","model":"qwen-vl","provider":"Example Cloud","category":"model_service_filed","calls":1700}""", At(2025, 6, 29, 12, 0)));
        Device("A2", "pa",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 3, 6, 10, 0)),
            (Activated, """{"region":"330106","boot":1}""", At(2025, 4, 6, 10, 0)));
        Device("B2", "pb", (Activated, """{"region":"330106","boot":1}""", At(2025, 4, 2, 10, 0)));
        Device("B3", "pb", (Commissioned, """{"site":"site-2"}""", At(2025, 4, 12, 9, 0)));
        Device("B5", "pb", (Activated, """{"region":"330106","boot":1}""", At(2025, 7, 3, 10, 0)));
        Device("B6", "pb",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 8, 2, 10, 0)),
            (Commissioned, """{"site":"site-1"}""", At(2025, 8, 5, 8, 0)),
            (RecordTypes.FaultRaised, """{"code":"motor_overheat","subsystem":"drive","severity":"error","relevant":true}""", At(2025, 8, 10, 12, 0)),
            (RecordTypes.FaultCleared, """{"code":"motor_overheat"}""", At(2025, 8, 10, 14, 0)),
            (Usage, """{"period_s":36000,"operate_s":28800,"idle_s":7200,"charge_s":0,"fault_s":0,"inferences":{"blazeface":{"calls":500}}}""", At(2025, 8, 10, 18, 0)),
            (RecordTypes.FaultRaised, """{"code":"storage_full","subsystem":"storage","severity":"warning","relevant":false}""", At(2025, 8, 11, 9, 0)),
            (RecordTypes.MaintenancePerformed, """{"fault_code":"motor_overheat","outcome":"no_fault_found"}""", At(2025, 8, 12, 9, 0)),
            (RecordTypes.PerfKpi, """{"name":"latency_ms","value":40}""", At(2025, 8, 13, 9, 0)),
            (RecordTypes.PerfKpi, """{"name":"latency_ms","value":60}""", At(2025, 8, 13, 10, 0)),
            (RecordTypes.PerfKpi, """{"name":"latency_ms","value":44}""", At(2025, 8, 13, 11, 0)),
            (RecordTypes.PerfKpi, """{"name":"latency_ms","value":42}""", At(2025, 8, 13, 12, 0)),
            (Usage, """{"period_s":3600,"operate_s":3600,"idle_s":0,"charge_s":0,"fault_s":0}""", At(2025, 12, 20, 12, 0)),
            (Usage, """{"period_s":1800,"operate_s":1800,"idle_s":0,"charge_s":0,"fault_s":0,"inferences":{"blazeface":{"calls":100}}}""", At(2026, 1, 1, 0, 10)));
        Device("B7", "pb",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 8, 20, 15, 0)),
            (Commissioned, """{"site":"site-2"}""", At(2025, 8, 20, 16, 0)),
            (Commissioned, """{"site":"site-1"}""", At(2025, 8, 21, 9, 0)));
        Device("B8", "pb",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 8, 30, 10, 0)),
            (Commissioned, """{"site":"site-1"}""", At(2025, 9, 1, 9, 0)),
            (Usage, """{"period_s":3600,"operate_s":1800,"idle_s":1800,"charge_s":0,"fault_s":0}""", At(2025, 10, 15, 12, 0)),
            (RecordTypes.FaultRaised, """{"code":"motor_overheat","subsystem":"drive","severity":"error","relevant":true}""", At(2025, 10, 16, 12, 0)));
        Device("B9", "pb",
            (Activated, """{"region":"330106","boot":1}""", At(2025, 9, 2, 10, 0)),
            (Activated, """{"region":"110105","boot":1}""", At(2025, 9, 2, 12, 0)));
        var b10 = Device("B10", "pb", (Activated, """{"region":"330106","boot":1}""", At(2025, 9, 3, 10, 0)));

        // B1 has no real-time clock: time_src none, placed by the clock.sync of its boot.
        var b1 = new TestDevice("B1", "pb");
        _devices.Add(b1);
        byte[] Unsynced(string type, string data, long at) => b1.Next(type, data, at - B1Offset);
        batches.Add((b1,
        [
            b1.Next(RecordTypes.ClockSync, $$"""{"boot":1,"t0_mono_ms":960,"t1_mono_ms":1000,"hub_ms":{{B1Offset + 980}},"offset_ms":{{B1Offset}},"err_ms":20}""", 1_000),
            Unsynced(Activated, """{"region":"330106","boot":1}""", At(2025, 4, 4, 10, 0)),
            Unsynced(Commissioned, """{"site":"site-1"}""", At(2025, 4, 5, 8, 0)),
            Unsynced(Usage, """{"period_s":36000,"operate_s":30000,"idle_s":3600,"charge_s":0,"fault_s":2400}""", At(2025, 4, 10, 18, 0)),
            Unsynced(Usage, """{"period_s":3600,"operate_s":3600,"idle_s":0,"charge_s":0,"fault_s":0}""", At(2025, 12, 15, 12, 0)),
        ]));

        using var store = HubStore.Open(Db);
        foreach (var (device, _) in batches)
        {
            Assert.True(DeviceKeysOf(device, out var pem, out var keyId));
            store.Enroll(new DeviceRow(device.DeviceId, device.ProductId, pem, keyId, 1));
        }

        using var processor = new IngestionProcessor(store, new FakeTimeProvider(ReportTime), new ListLogger<IngestionProcessor>());
        foreach (var (device, records) in batches)
        {
            var acks = processor.Process([new IncomingBatch(device.EventsTopic, device.Batch(records))]);
            Assert.Equal(device.Seq, acks.Single().Ack.AckedSeq);
        }

        // A second unit claiming to be B10, with its own key: its batch fails the enrolled key's signature.
        using var clone = new TestDevice("B10", "pb");
        var cloned = clone.Next(Activated, """{"region":"440305","boot":1}""", 1_000, At(2025, 10, 1, 10, 0), TimeSources.Ntp);
        var rejected = processor.Process([new IncomingBatch(clone.EventsTopic, clone.Batch([cloned]))]);
        Assert.Contains(rejected.Single().Ack.Rejected, r => r.Reason == RejectionReasons.BadSignature);
        Assert.Equal(b10.Seq, rejected.Single().Ack.AckedSeq);
    }

    private static bool DeviceKeysOf(TestDevice device, out string pem, out string keyId) =>
        Devices.DeviceKeys.TryRead(device.PublicKeyPem, out pem, out keyId, out _);

    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(Cst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
