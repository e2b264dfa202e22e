using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// Reads a report's inputs from the hub's database: the registry tables, and every enrolled device's (or one product's)
/// accepted records with their receive times, the boot anchors ingestion stored, its head and latest checkpoint, and how
/// many batches for its serial failed the enrolled key's signature; <see cref="EvidenceAssembly"/> makes them inputs.
/// Call inside <see cref="HubStore.BeginRead"/> for one consistent snapshot.
/// </summary>
internal static class EvidenceReader
{
    public static ReportInputs Read(HubStore store, string? productId = null, IProgress<(int Done, int Total)>? progress = null) =>
        EvidenceAssembly.Assemble(ReadTables(store), ReadDevices(store, productId, progress));

    /// <summary>Every registry table (<see cref="ImportKinds.All"/>) as rows of text by column, in key order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> ReadTables(HubStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ImportKinds.All.ToDictionary(k => k.Table, k => (IReadOnlyList<IReadOnlyDictionary<string, string?>>)[.. store.RegistryTable(k.Table)], StringComparer.Ordinal);
    }

    /// <summary>Every enrolled device (of <paramref name="productId"/> when given), by device id.</summary>
    public static IReadOnlyList<DeviceSource> ReadDevices(HubStore store, string? productId = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var enrolled = store.Devices().Where(d => productId is null || d.ProductId == productId).ToList();
        var devices = new List<DeviceSource>(enrolled.Count);
        foreach (var (device, i) in enrolled.Select((d, i) => (d, i)))
        {
            progress?.Report((i, enrolled.Count));
            var records = new List<StoredRecord>();
            foreach (var row in store.Records(device.DeviceId, 1))
            {
                // Tombstones have no payload; ingestion stores only records that decoded.
                if (row.Payload is { } payload && RecordCodec.TryDecode(payload, out var record, out _))
                {
                    records.Add(new StoredRecord(row.Seq, row.Hash, record!, row.ReceivedAtMs));
                }
            }

            var head = store.Head(device.DeviceId) is { } h ? new ChainHead(h.Seq, h.Hash) : ChainHead.Genesis;
            devices.Add(new DeviceSource(device.DeviceId, device.ProductId, device.KeyId, records, store.Anchors(device.DeviceId),
                store.ForeignSignatureBatches(device.DeviceId), head, store.Checkpoints(device.DeviceId) is { Count: > 0 } checkpoints ? checkpoints[^1] : null));
        }

        progress?.Report((enrolled.Count, enrolled.Count));
        return devices;
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
}
