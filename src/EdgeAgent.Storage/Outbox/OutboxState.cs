using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Storage.Outbox;

/// <summary>
/// What the outbox holds, mirrored in memory so budgets need no full-table scan. A transaction works on a copy and the
/// copy replaces the state only once the commit returned, so the mirror never runs ahead of the file.
/// </summary>
internal struct OutboxState
{
    /// <summary>The head of the chain: the last entry ever appended (record or tombstone).</summary>
    public long LastSeq;
    public string LastHash;
    public long Boot;
    public long? ActivationSeq;
    public long Acknowledged;
    public long EvidenceRecords;
    public long EvidenceBytes;

    /// <summary>Telemetry entries held, tombstones included (they count 0 bytes).</summary>
    public long TelemetryRecords;
    public long TelemetryBytes;

    /// <summary>
    /// Drops not yet written down (persisted in <c>pending_drops</c>), oldest first. Copy-on-write: a transaction's copy
    /// replaces the array, never changes it.
    /// </summary>
    public DropRange[] Drops;

    public readonly long TotalBytes => EvidenceBytes + TelemetryBytes;

    /// <summary>Every pending drop as one report, or null when there is none.</summary>
    public readonly DroppedTelemetry? Pending => Drops.Length == 0 ? null : Sum(Drops.Length);

    /// <summary>Stored telemetry turned into tombstones: its bytes go, its entries stay.</summary>
    public void AddDropped(long count, long firstSeq, long lastSeq, long bytes)
    {
        TelemetryBytes -= bytes;
        AddDrop(count, firstSeq, lastSeq, bytes);
    }

    /// <summary>Telemetry refused at the byte budget: stored as a tombstone, counted as dropped.</summary>
    public void AddRefused(long seq, long bytes)
    {
        TelemetryRecords++;
        AddDrop(1, seq, seq, bytes);
    }

    /// <summary>Marks every pending drop as reported: later drops start a new range, so a report stays a prefix.</summary>
    public void Seal()
    {
        if (Array.Exists(Drops, d => !d.Sealed))
        {
            Drops = [.. Drops.Select(d => d with { Sealed = true })];
        }
    }

    /// <summary>
    /// Removes the drops <paramref name="report"/> covers: the oldest ranges that add up to it exactly (a report is every
    /// range pending when it was taken, and ranges are only ever added after). False when no prefix matches.
    /// </summary>
    public bool TrySubtract(DroppedTelemetry report)
    {
        for (var k = 1; k <= Drops.Length; k++)
        {
            if (Sum(k) == report)
            {
                Drops = Drops[k..];
                return true;
            }
        }

        return false;
    }

    private void AddDrop(long count, long firstSeq, long lastSeq, long bytes)
    {
        if (Drops.Length > 0 && !Drops[^1].Sealed)
        {
            var last = Drops[^1];
            Drops = [.. Drops[..^1], new DropRange(last.Count + count, Math.Min(last.FirstSeq, firstSeq), Math.Max(last.LastSeq, lastSeq), last.Bytes + bytes, false)];
        }
        else
        {
            Drops = [.. Drops, new DropRange(count, firstSeq, lastSeq, bytes, false)];
        }
    }

    private readonly DroppedTelemetry Sum(int ranges)
    {
        long count = 0, first = long.MaxValue, last = 0, bytes = 0;
        foreach (var d in Drops.AsSpan(0, ranges))
        {
            count += d.Count;
            first = Math.Min(first, d.FirstSeq);
            last = Math.Max(last, d.LastSeq);
            bytes += d.Bytes;
        }

        return new DroppedTelemetry(count, first, last, bytes);
    }
}

/// <summary>Dropped telemetry not yet written down; a sealed range was already returned by a report.</summary>
internal readonly record struct DropRange(long Count, long FirstSeq, long LastSeq, long Bytes, bool Sealed);
