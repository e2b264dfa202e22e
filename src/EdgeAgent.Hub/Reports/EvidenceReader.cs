using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Registry;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// Reads a report's inputs from the hub's database: the registry tables, and every enrolled device's accepted records
/// placed in time (<see cref="TimeAnchors"/>), its head and latest checkpoint, and how many batches for its serial failed
/// the enrolled key's signature. Each input gets a digest so the report can say exactly what it was computed from.
/// </summary>
internal static class EvidenceReader
{
    public static ReportInputs Read(SqliteConnection connection, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var digests = new List<InputDigest>();
        var tables = new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>(StringComparer.Ordinal);
        foreach (var kind in ImportKinds.All)
        {
            var rows = RegistryDatabase.ReadTable(connection, kind.Table);
            tables[kind.Table] = rows;
            digests.Add(new InputDigest(kind.Table, rows.Count, Digest(rows.Select(r => string.Join(",", kind.Columns.Select(c => Quote(r[c.Name])))))));
        }

        var devices = new List<DeviceEvidence>();
        var enrolled = Query(connection, "SELECT device_id, product_id, key_id FROM devices ORDER BY device_id", r => (Id: r.GetString(0), Product: r.GetString(1), Key: r.GetString(2)));
        var usedHashes = new List<string>();
        foreach (var (device, i) in enrolled.Select((d, i) => (d, i)))
        {
            progress?.Report((i, enrolled.Count));
            devices.Add(ReadDevice(connection, device.Id, device.Product, device.Key, usedHashes));
        }

        progress?.Report((enrolled.Count, enrolled.Count));
        digests.Add(new InputDigest("records", usedHashes.Count, Digest(usedHashes)));
        return new ReportInputs(RegistrySnapshot.FromRows(t => tables[t]), devices, digests);
    }

    private static DeviceEvidence ReadDevice(SqliteConnection connection, string deviceId, string productId, string keyId, List<string> usedHashes)
    {
        var spans = Query(connection, "SELECT boot, MIN(mono_ms), MAX(mono_ms) FROM records WHERE device_id = $d AND payload IS NOT NULL GROUP BY boot",
            r => (Boot: r.GetInt64(0), Min: r.GetInt64(1), Max: r.GetInt64(2)), deviceId).ToDictionary(s => s.Boot);
        var anchors = new TimeAnchors(Query(connection, "SELECT boot, offset_ms, err_ms FROM boot_anchors WHERE device_id = $d", r => (Boot: r.GetInt64(0), Offset: r.GetInt64(1), Err: r.GetInt64(2)), deviceId)
            .Select(a => spans.TryGetValue(a.Boot, out var s) ? new BootAnchor(a.Boot, a.Offset, a.Err, s.Min, s.Max) : new BootAnchor(a.Boot, a.Offset, a.Err, 0, 0)));
        var records = new List<EvidenceItem>();
        foreach (var (seq, hash, payload, received) in Query(connection, "SELECT seq, hash, payload, received_at_ms FROM records WHERE device_id = $d AND payload IS NOT NULL ORDER BY seq",
                     r => (r.GetInt64(0), r.GetString(1), (byte[])r[2], r.GetInt64(3)), deviceId))
        {
            if (!RecordCodec.TryDecode(payload, out var record, out _))
            {
                continue; // ingestion stores only records that decoded; nothing to count here
            }

            var time = anchors.Place(record!.Boot, record.MonoMs, record.WallMs, record.TimeSource, received);
            records.Add(new EvidenceItem(seq, hash, record.Type, record.Boot, record.MonoMs, time, record.Data.Clone()));
            usedHashes.Add($"{deviceId},{seq},{hash}");
        }

        var head = Query(connection, "SELECT seq, hash FROM heads WHERE device_id = $d", r => (r.GetInt64(0), r.GetString(1)), deviceId).FirstOrDefault((0L, EvidenceRecord.GenesisPrev));
        var checkpoint = Query(connection, "SELECT seq, hash, key_id, sig FROM checkpoints WHERE device_id = $d ORDER BY seq DESC LIMIT 1",
            r => (Seq: (long?)r.GetInt64(0), Hash: r.GetString(1), Key: r.GetString(2), Sig: r.GetString(3)), deviceId).FirstOrDefault();
        var foreign = Query(connection, "SELECT COUNT(DISTINCT received_at_ms) FROM rejections WHERE device_id = $d AND reason = 'bad_signature'", r => r.GetInt64(0), deviceId)[0];
        return new DeviceEvidence(deviceId, productId, keyId, records, foreign,
            new IntegrityRoot(deviceId, head.Item1, head.Item2, checkpoint.Seq, checkpoint.Hash, checkpoint.Key, checkpoint.Sig));
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, string? deviceId = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        if (deviceId is not null)
        {
            cmd.Parameters.AddWithValue("$d", deviceId);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(map(r));
        }

        return list;
    }

    /// <summary>SHA-256 (hex) over the lines, each ended by '\n'.</summary>
    public static string Digest(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
