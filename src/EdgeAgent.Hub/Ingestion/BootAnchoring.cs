using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Ingestion;

/// <summary>
/// The boot anchors a chain's <c>clock.sync</c> records give, by the one rule ingestion applies as it stores them
/// (<see cref="IngestionProcessor"/> into <c>boot_anchors</c>) and an auditor applies to a bundle's chain: a record
/// anchors the boot in its data's <c>boot</c> (else its own) with its <c>offset_ms</c> and <c>err_ms</c> (0 or more);
/// per boot the smallest <c>err_ms</c> wins, the first in seq order on a tie. Pure.
/// </summary>
internal static class BootAnchoring
{
    /// <summary>The anchor a <c>clock.sync</c> record carries, or null when it lacks a whole <c>offset_ms</c> or a whole <c>err_ms</c> ≥ 0.</summary>
    public static BootAnchorRow? Of(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var data = record.Data;
        if (data.ValueKind == JsonValueKind.Object && Whole(data, "offset_ms") is { } o && Whole(data, "err_ms") is { } e && e >= 0)
        {
            return new BootAnchorRow(Whole(data, "boot") ?? record.Boot, o, e);
        }

        return null;
    }

    // A field that is not a whole JSON number (a string, say) is absent: TryGetInt64 throws on a non-number.
    private static long? Whole(JsonElement data, string field) =>
        data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    /// <summary>Whether <paramref name="candidate"/> replaces the anchor held for its boot (strictly smaller error).</summary>
    public static bool Replaces(BootAnchorRow candidate, BootAnchorRow? held) => held is null || candidate.ErrMs < held.ErrMs;

    /// <summary>The anchors of a device's accepted records, given in seq order; one per boot, by boot.</summary>
    public static IReadOnlyList<BootAnchorRow> Derive(IEnumerable<EvidenceRecord> recordsInSeqOrder)
    {
        ArgumentNullException.ThrowIfNull(recordsInSeqOrder);
        var anchors = new Dictionary<long, BootAnchorRow>();
        foreach (var record in recordsInSeqOrder)
        {
            if (record.Type == RecordTypes.ClockSync && Of(record) is { } anchor && Replaces(anchor, anchors.GetValueOrDefault(anchor.Boot)))
            {
                anchors[anchor.Boot] = anchor;
            }
        }

        return [.. anchors.Values.OrderBy(a => a.Boot)];
    }
}
