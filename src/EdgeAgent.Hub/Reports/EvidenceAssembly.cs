using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Reports;

/// <summary>One accepted record of a device as held: its seq and hash, decoded, and when the hub received it.</summary>
internal sealed record StoredRecord(long Seq, string Hash, EvidenceRecord Record, long ReceivedAtMs);

/// <summary>
/// What a report takes from one device, raw: its enrolment, its accepted records in seq order, the anchors of its boots,
/// how many batches for it failed the enrolled key's signature, its chain head and its latest signed checkpoint. The
/// hub's database gives these (<see cref="EvidenceReader"/>), and so does an auditor bundle (Bundle/BundleInputs).
/// </summary>
internal sealed record DeviceSource(
    string DeviceId, string ProductId, string KeyId, IReadOnlyList<StoredRecord> Records, IReadOnlyList<BootAnchorRow> Anchors,
    long ForeignSignatures, ChainHead Head, Checkpoint? LatestCheckpoint);

/// <summary>
/// Raw rows to <see cref="ReportInputs"/>: the one step both the hub's reports and an auditor's recomputation take, so the
/// same rows give the same inputs, input digests and figures. Registry tables are rows as text by column; each table's
/// digest is over its import CSV lines (<see cref="RegistryCsv.Line"/>), the records' over <c>device,seq,hash</c> lines.
/// Records are placed in time with <see cref="TimeAnchors"/>. Pure.
/// </summary>
internal static class EvidenceAssembly
{
    public const string RecordsInput = "records";

    public static ReportInputs Assemble(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> tables, IEnumerable<DeviceSource> devices)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(devices);
        IReadOnlyList<IReadOnlyDictionary<string, string?>> Table(string name) => tables.TryGetValue(name, out var rows) ? rows : [];
        var digests = new List<InputDigest>();
        foreach (var kind in ImportKinds.All)
        {
            var rows = Table(kind.Table);
            digests.Add(new InputDigest(kind.Table, rows.Count, EvidenceReader.Digest(rows.Select(r => RegistryCsv.Line(kind, r)))));
        }

        var evidence = new List<DeviceEvidence>();
        var used = new List<string>();
        var manufactured = Table("serials").Where(r => r["manufactured_on"] is not null).ToDictionary(r => r["serial"]!, r => StartOfDayAnywhere(r["manufactured_on"]!), StringComparer.Ordinal);
        foreach (var device in devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal))
        {
            evidence.Add(Place(device, manufactured.TryGetValue(device.DeviceId, out var m) ? m : null, used));
        }

        digests.Add(new InputDigest(RecordsInput, used.Count, EvidenceReader.Digest(used)));
        return new ReportInputs(RegistrySnapshot.FromRows(Table), evidence, digests);
    }

    /// <summary>The first moment of a yyyy-MM-dd date in any time zone (UTC+14), Unix ms: a wall time before it is before the date everywhere.</summary>
    private static long StartOfDayAnywhere(string date) =>
        new DateTimeOffset(DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(14)).ToUnixTimeMilliseconds();

    private static DeviceEvidence Place(DeviceSource device, long? manufacturedMs, List<string> used)
    {
        var spans = device.Records.GroupBy(r => r.Record.Boot).ToDictionary(g => g.Key, g => (Min: g.Min(r => r.Record.MonoMs), Max: g.Max(r => r.Record.MonoMs)));
        var anchors = new TimeAnchors(device.Anchors.Select(a => spans.TryGetValue(a.Boot, out var s)
            ? new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, s.Min, s.Max)
            : new BootAnchor(a.Boot, a.OffsetMs, a.ErrMs, 0, 0)), manufacturedMs);
        var records = new List<EvidenceItem>(device.Records.Count);
        foreach (var (seq, hash, record, received) in device.Records)
        {
            var time = anchors.Place(record.Boot, record.MonoMs, record.WallMs, record.TimeSource, received);
            records.Add(new EvidenceItem(seq, hash, record.Type, record.Boot, record.MonoMs, time, record.Data.Clone()));
            used.Add($"{device.DeviceId},{seq},{hash}");
        }

        var cp = device.LatestCheckpoint;
        return new DeviceEvidence(device.DeviceId, device.ProductId, device.KeyId, records, device.ForeignSignatures,
            new IntegrityRoot(device.DeviceId, device.Head.Seq, device.Head.Hash, cp?.Seq, cp?.Hash, cp?.KeyId, cp?.Signature));
    }
}
