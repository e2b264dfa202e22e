using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;

namespace EdgeAgent.Hub.Reports;

/// <summary>A calendar year in the profile's time zone, as Unix ms [From, To).</summary>
internal sealed record ReportPeriod(int Year, TimeSpan Offset)
{
    public long FromMs => new DateTimeOffset(Year, 1, 1, 0, 0, 0, Offset).ToUnixTimeMilliseconds();

    public long ToMs => new DateTimeOffset(Year + 1, 1, 1, 0, 0, 0, Offset).ToUnixTimeMilliseconds();

    /// <summary>Start of a local date as Unix ms.</summary>
    public long StartOf(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Offset).ToUnixTimeMilliseconds();

    /// <summary>True when the whole interval lies in [from, to).</summary>
    public static bool Within((long Lo, long Hi) interval, long from, long to) => interval.Lo >= from && interval.Hi < to;

    /// <summary>True when the interval reaches into [from, to) but not wholly.</summary>
    public static bool Straddles((long Lo, long Hi) interval, long from, long to) => !Within(interval, from, to) && interval.Hi >= from && interval.Lo < to;

    public string Show(AnchoredTime time) => time.EstMs is { } est
        ? DateTimeOffset.FromUnixTimeMilliseconds(est).ToOffset(Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + $" ({time.Status})"
        : time.Status;
}

/// <summary>Lookups over a report's inputs that every report kind needs: units, organisations, activations, sites, clones.</summary>
internal sealed class Fleet
{
    private readonly Dictionary<string, DeviceEvidence> _devices;
    private readonly Dictionary<string, SerialUnit> _serials;
    private readonly Dictionary<string, Organisation> _orgs;
    private readonly Dictionary<string, Product> _products;
    private readonly Dictionary<string, Site> _sites;
    private readonly ILookup<string, Exchange> _byOriginal;
    private readonly Dictionary<string, Exchange> _byReplacement;

    public Fleet(ReportInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Inputs = inputs;
        var r = inputs.Registry;
        _devices = inputs.Devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        _serials = r.Serials.ToDictionary(s => s.Serial, StringComparer.Ordinal);
        _orgs = r.Organisations.ToDictionary(o => o.OrgId, StringComparer.Ordinal);
        _products = r.Products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);
        _sites = r.Sites.ToDictionary(s => s.SiteId, StringComparer.Ordinal);
        _byOriginal = r.Exchanges.ToLookup(e => e.OriginalSerial, StringComparer.Ordinal);
        _byReplacement = r.Exchanges.ToDictionary(e => e.ReplacementSerial, StringComparer.Ordinal);
    }

    public ReportInputs Inputs { get; }

    public DeviceEvidence? Device(string serial) => _devices.GetValueOrDefault(serial);

    public SerialUnit? Serial(string serial) => _serials.GetValueOrDefault(serial);

    public Organisation? Org(string id) => _orgs.GetValueOrDefault(id);

    public Product? Product(string id) => _products.GetValueOrDefault(id);

    public Site? Site(string id) => _sites.GetValueOrDefault(id);

    public IEnumerable<EvidenceItem> Records(string serial, string type) => Device(serial)?.Records.Where(r => r.Type == type) ?? [];

    /// <summary>The serial's accepted <c>device.activated</c> records: the first is the activation, later ones reactivations.</summary>
    public IReadOnlyList<EvidenceItem> Activations(string serial) => [.. Records(serial, RecordTypes.DeviceActivated)];

    /// <summary>The exchange that handed this serial out in place of another, if any.</summary>
    public Exchange? ReplacementOf(string serial) => _byReplacement.GetValueOrDefault(serial);

    /// <summary>This serial and every unit handed out in its place (transitively).</summary>
    public IEnumerable<string> WithReplacements(string serial)
    {
        yield return serial;
        foreach (var e in _byOriginal[serial])
        {
            foreach (var s in WithReplacements(e.ReplacementSerial))
            {
                yield return s;
            }
        }
    }

    /// <summary>The first activation of the serial or of a unit exchanged for it.</summary>
    public EvidenceItem? ActivationOf(string serial) => WithReplacements(serial).Select(s => Activations(s) is { Count: > 0 } a ? a[0] : null).FirstOrDefault(a => a is not null);

    /// <summary>Whether two organisations are related parties (one related to the other, or both related to the same enterprise).</summary>
    public bool Related(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        var (oa, ob) = (Org(a), Org(b));
        return oa?.RelatedTo == b || ob?.RelatedTo == a || (oa?.RelatedTo is { } ra && ra == ob?.RelatedTo);
    }

    /// <summary>The site in the data of the device's latest accepted <c>deployment.commissioned</c>, and that record.</summary>
    public (Site? Site, EvidenceItem Record)? Commissioning(string serial) =>
        Records(serial, RecordTypes.DeploymentCommissioned).LastOrDefault() is { } c ? (c.Text("site") is { } id ? Site(id) : null, c) : null;

    /// <summary>Why the serial is quarantined as a clone, or null: records for it signed by another key, or two activations in different regions too close in time to be one unit.</summary>
    public string? CloneReason(string serial, int windowHours)
    {
        if (Device(serial) is { ForeignSignatures: > 0 } d)
        {
            return $"one serial on two keys: {d.ForeignSignatures} batch(es) for {serial} were signed by a key other than the enrolled {d.KeyId}";
        }

        var activations = Activations(serial);
        for (var i = 1; i < activations.Count; i++)
        {
            var (a, b) = (activations[i - 1], activations[i]);
            if (a.Text("region") is { } ra && b.Text("region") is { } rb && ra != rb && a.Time.EstMs is { } ta && b.Time.EstMs is { } tb &&
                Math.Abs(tb - ta) < windowHours * 3_600_000L)
            {
                var hours = Math.Abs(tb - ta) / 3_600_000.0;
                return string.Create(CultureInfo.InvariantCulture, $"activations at seq {a.Seq} (region {ra}) and {b.Seq} (region {rb}) are {hours:0.#} h apart, less than the {windowHours} h one unit needs");
            }
        }

        return null;
    }
}
