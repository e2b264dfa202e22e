using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// A report's inputs rebuilt from an evidence bundle alone, from whatever it holds (checked or not): the registry from
/// <c>inputs/{table}.csv</c> through the importer's line checks, each device's decodable records with their receive
/// times (<c>received.csv</c>), boot anchors derived from its <c>clock.sync</c> records (<see cref="BootAnchoring"/>, as
/// ingestion does), the manifest's bad-signature count, the chain's last entry and latest checkpoint; then
/// <see cref="EvidenceAssembly"/>, as the hub does. What cannot be read is a finding naming file, line and column.
/// </summary>
internal static class BundleInputs
{
    public const string UnreadableInput = "unreadable_input";

    public static (ReportInputs? Inputs, PolicyProfile? Profile) Read(BundleManifest manifest, IReadOnlyDictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(findings);
        PolicyProfile? profile = null;
        if (!entries.TryGetValue(BundleLayout.Profile, out var profileBytes))
        {
            findings.Add(new BundleFinding(BundleLayout.Profile, 0, 0, BundleVerifier.MissingFile, "the policy profile is needed to recompute the reports"));
        }
        else
        {
            try
            {
                profile = PolicyLoader.Parse(Text(profileBytes), BundleLayout.Profile);
            }
            catch (PolicyException e)
            {
                findings.Add(new BundleFinding(BundleLayout.Profile, 0, 0, UnreadableInput, e.Message));
            }
        }

        var tables = new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>(StringComparer.Ordinal);
        foreach (var kind in ImportKinds.All)
        {
            var path = BundleLayout.Input(kind.Table);
            if (!entries.TryGetValue(path, out var csv))
            {
                findings.Add(new BundleFinding(path, 0, 0, BundleVerifier.MissingFile, $"the {kind.Table} table is needed to recompute the reports"));
                tables[kind.Table] = [];
                continue;
            }

            var errors = new List<LineError>();
            using var reader = new StringReader(Text(csv));
            tables[kind.Table] = RegistryCsv.Read(kind, reader, errors);
            findings.AddRange(errors.Select(e => new BundleFinding(path, (int)e.Line, 0, UnreadableInput, $"column {e.Column}: {e.Reason} (allowed: {e.Allowed}); the line is left out of the recomputation")));
        }

        var devices = manifest.Devices.Select(d => Device(d, entries, findings)).ToList();
        return (EvidenceAssembly.Assemble(tables, devices), profile);
    }

    private static DeviceSource Device(BundleDevice device, IReadOnlyDictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        var received = Received(device.DeviceId, entries, findings);
        var records = new List<StoredRecord>();
        var head = ChainHead.Genesis;
        var lines = entries.TryGetValue(BundleLayout.Entries(device.DeviceId), out var chain) ? BundleVerifier.SplitLines(chain) : [];
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            if (line.AsSpan().StartsWith("{\"dropped\":"u8))
            {
                if (TryTombstone(line) is { } t)
                {
                    head = new ChainHead(t.Seq, t.Hash);
                }

                continue;
            }

            // What does not decode, or is another device's, the verifier has named; it is nothing to count.
            if (RecordCodec.TryDecode(line, out var record, out _) && record!.DeviceId == device.DeviceId)
            {
                var hash = RecordCodec.Hash(line);
                if (!received.TryGetValue(record.Seq, out var at))
                {
                    findings.Add(new BundleFinding(BundleLayout.Received(device.DeviceId), 0, record.Seq, UnreadableInput, $"no receive time for seq {record.Seq}; taken as 0"));
                }

                records.Add(new StoredRecord(record.Seq, hash, record, at));
                head = new ChainHead(record.Seq, hash);
            }
        }

        Checkpoint? latest = null;
        try
        {
            latest = entries.TryGetValue(BundleLayout.Checkpoints(device.DeviceId), out var c)
                ? JsonSerializer.Deserialize(c, BundleJsonContext.Default.IReadOnlyListCheckpoint)?.OrderBy(x => x.Seq).LastOrDefault()
                : null;
        }
        catch (JsonException)
        {
            // named by the verifier's checkpoint check
        }

        return new DeviceSource(device.DeviceId, device.ProductId, device.KeyId, records, BootAnchoring.Derive(records.Select(r => r.Record)),
            device.BadSignatureBatches, head, latest);
    }

    private static Dictionary<long, long> Received(string deviceId, IReadOnlyDictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        var path = BundleLayout.Received(deviceId);
        var received = new Dictionary<long, long>();
        if (!entries.TryGetValue(path, out var content))
        {
            findings.Add(new BundleFinding(path, 0, 0, BundleVerifier.MissingFile, "the receive times are needed to recompute the reports"));
            return received;
        }

        var lines = Text(content).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (i == 0 ? line == BundleLayout.ReceivedHeader : line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (i == 0 || cells.Length != 2 || !long.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                || !long.TryParse(cells[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at))
            {
                findings.Add(new BundleFinding(path, i + 1, 0, UnreadableInput, i == 0 ? $"the header must be {BundleLayout.ReceivedHeader}" : "expected seq,received_at_ms as whole numbers"));
                continue;
            }

            received[seq] = at;
        }

        return received;
    }

    private static Tombstone? TryTombstone(byte[] line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, BundleCompact.Default.BundleTombstoneLine)?.Dropped;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
}
