using System.Security.Cryptography;

namespace EdgeAgent.Contracts.Records;

/// <summary>One link of a device's chain taken from a batch: a record (with its bytes) or a tombstone (bytes null).</summary>
/// <param name="Seq">The entry's sequence number.</param>
/// <param name="Hash">SHA-256 of the record's bytes, or the tombstone's hash.</param>
/// <param name="Record">The decoded record; null for a tombstone.</param>
/// <param name="Bytes">The record's exact bytes; null for a tombstone.</param>
public sealed record ChainEntry(long Seq, string Hash, EvidenceRecord? Record, byte[]? Bytes)
{
    public bool IsTombstone => Record is null;
}

/// <summary>A batch entry (or the whole batch, seq 0) that was not accepted, and why (one of <see cref="RejectionReasons"/>).</summary>
public sealed record EntryRejection(long Seq, string Reason, string Detail, byte[]? Bytes);

/// <summary>What <see cref="BatchVerifier.Verify"/> found.</summary>
/// <param name="Accepted">Entries that extend the chain, in order: store them.</param>
/// <param name="Duplicates">Seqs already held with the same hash: harmless resends, acknowledged again.</param>
/// <param name="Rejected">Entries flagged (kept, never counted) with the reason.</param>
/// <param name="Head">The chain head after the accepted entries.</param>
public sealed record BatchVerdict(IReadOnlyList<ChainEntry> Accepted, IReadOnlyList<long> Duplicates, IReadOnlyList<EntryRejection> Rejected, ChainHead Head);

/// <summary>
/// Checks a batch against the chain already held for its device: the hub's ingestion, the agent's offline
/// <c>ledger verify</c> and the auditor's tool all use this one piece of code.
/// <para>
/// Order of checks: every record decodes and belongs to the batch's device (else the record is <c>malformed</c> or
/// <c>wrong_topic</c>); the entries' seqs strictly increase; the checkpoint names the last entry and verifies with the
/// device's key (else the whole batch is <c>bad_signature</c>: nothing in it is trusted); then each entry must be the
/// next link. An entry at or below the head is a duplicate when its hash is the one held, else a <c>replay</c>. Past the
/// first <c>gap</c> or <c>broken_chain</c> nothing in the batch is accepted: the entries after it are flagged with the
/// same reason, because they link to something that was not accepted, and so are the entries before it: the checkpoint's
/// chain does not reach them, so nothing signed vouches for them.
/// </para>
/// </summary>
public static class BatchVerifier
{
    /// <param name="batch">The batch, read by <see cref="RecordBatch.TryRead"/>.</param>
    /// <param name="deviceKey">The device's enrolled public key.</param>
    /// <param name="head">The last accepted entry of this device's chain (<see cref="ChainHead.Genesis"/> before any).</param>
    /// <param name="heldHash">The hash held for a seq at or below the head, or null when it is not known.</param>
    public static BatchVerdict Verify(RecordBatch batch, ECDsa deviceKey, ChainHead head, Func<long, string?> heldHash) =>
        Verify(Check(batch, deviceKey), head, heldHash);

    /// <summary>
    /// The checks that need nothing held: every record decodes and is the batch's device's, the order, the checkpoint and
    /// its signature. Pure, so a hub runs it for many batches at once, each key on one thread at a time; then
    /// <see cref="Verify(CheckedBatch, ChainHead, Func{long, string?})"/> places the entries on the held chain.
    /// </summary>
    /// <param name="batch">The batch, read by <see cref="RecordBatch.TryRead"/>.</param>
    /// <param name="deviceKey">The device's enrolled public key.</param>
    public static CheckedBatch Check(RecordBatch batch, ECDsa deviceKey)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(deviceKey);

        var rejected = new List<EntryRejection>();
        var entries = new List<ChainEntry>(batch.Records.Count + batch.Dropped.Count);
        foreach (var bytes in batch.Records)
        {
            if (!RecordCodec.TryDecode(bytes, out var record, out var problem))
            {
                rejected.Add(new EntryRejection(0, RejectionReasons.Malformed, problem!, bytes));
            }
            else if (!string.Equals(record!.DeviceId, batch.DeviceId, StringComparison.Ordinal))
            {
                rejected.Add(new EntryRejection(record.Seq, RejectionReasons.WrongTopic, $"record of device '{record.DeviceId}' in a batch of '{batch.DeviceId}'", bytes));
            }
            else
            {
                entries.Add(new ChainEntry(record.Seq, RecordCodec.Hash(bytes), record, bytes));
            }
        }

        // FORMAT.md: records and tombstones each come in sequence order. A batch whose order was changed in transit is
        // refused as a whole, not quietly sorted back.
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Seq <= entries[i - 1].Seq)
            {
                return CheckedBatch.Refused(rejected, RejectionReasons.Malformed, $"records are not in sequence order: seq {entries[i].Seq} follows seq {entries[i - 1].Seq}", entries);
            }
        }

        for (var i = 1; i < batch.Dropped.Count; i++)
        {
            if (batch.Dropped[i].Seq <= batch.Dropped[i - 1].Seq)
            {
                return CheckedBatch.Refused(rejected, RejectionReasons.Malformed, $"tombstones are not in sequence order: seq {batch.Dropped[i].Seq} follows seq {batch.Dropped[i - 1].Seq}", entries);
            }
        }

        entries.AddRange(batch.Dropped.Select(t => new ChainEntry(t.Seq, t.Hash, null, null)));
        entries.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Seq == entries[i - 1].Seq)
            {
                return CheckedBatch.Refused(rejected, RejectionReasons.Malformed, $"seq {entries[i].Seq} appears twice in the batch", null);
            }
        }

        if (entries.Count == 0)
        {
            return new CheckedBatch(entries, rejected, null);
        }

        var last = entries[^1];
        var cp = batch.Checkpoint;
        if (cp.Seq != last.Seq || !string.Equals(cp.Hash, last.Hash, StringComparison.Ordinal))
        {
            return CheckedBatch.Refused(rejected, RejectionReasons.BadSignature, $"the checkpoint names seq {cp.Seq}, but the batch ends at seq {last.Seq}", entries);
        }

        if (!cp.VerifiedBy(deviceKey, batch.DeviceId))
        {
            return CheckedBatch.Refused(rejected, RejectionReasons.BadSignature, $"the checkpoint over seq {cp.Seq} does not verify with the key enrolled for '{batch.DeviceId}'", entries);
        }

        return new CheckedBatch(entries, rejected, null);
    }

    /// <summary>Places a checked batch's entries on the chain held for its device.</summary>
    /// <param name="checkedBatch">What <see cref="Check"/> found.</param>
    /// <param name="head">The last accepted entry of this device's chain (<see cref="ChainHead.Genesis"/> before any).</param>
    /// <param name="heldHash">The hash held for a seq at or below the head, or null when it is not known.</param>
    public static BatchVerdict Verify(CheckedBatch checkedBatch, ChainHead head, Func<long, string?> heldHash)
    {
        ArgumentNullException.ThrowIfNull(checkedBatch);
        ArgumentNullException.ThrowIfNull(heldHash);

        var rejected = new List<EntryRejection>(checkedBatch.Rejected);
        if (checkedBatch.Refusal is { } refusal)
        {
            return WholeBatch(head, refusal.Reason, refusal.Detail, rejected, refusal.Entries);
        }

        var entries = checkedBatch.Entries;
        if (entries.Count == 0)
        {
            return new BatchVerdict([], [], rejected, head);
        }

        var start = head;
        var accepted = new List<ChainEntry>(entries.Count);
        var duplicates = new List<long>();
        string? blockedBy = null;
        foreach (var entry in entries)
        {
            if (entry.Seq <= head.Seq)
            {
                var held = heldHash(entry.Seq);
                if (string.Equals(held, entry.Hash, StringComparison.Ordinal))
                {
                    duplicates.Add(entry.Seq);
                }
                else
                {
                    rejected.Add(new EntryRejection(entry.Seq, RejectionReasons.Replay,
                        held is null ? $"seq {entry.Seq} is at or below the head {head.Seq}" : $"seq {entry.Seq} is held with hash {held[..12]}..., this one is {entry.Hash[..12]}...", entry.Bytes));
                }

                continue;
            }

            if (blockedBy is not null)
            {
                rejected.Add(new EntryRejection(entry.Seq, blockedBy, $"follows a {blockedBy} in the same batch", entry.Bytes));
                continue;
            }

            if (entry.Seq > head.Seq + 1)
            {
                blockedBy = RejectionReasons.Gap;
                rejected.Add(new EntryRejection(entry.Seq, blockedBy, $"seq {entry.Seq} follows seq {head.Seq}; {entry.Seq - head.Seq - 1} entr(ies) missing", entry.Bytes));
                continue;
            }

            if (entry.Record is { } record && !string.Equals(record.Prev, head.Hash, StringComparison.Ordinal))
            {
                blockedBy = RejectionReasons.BrokenChain;
                rejected.Add(new EntryRejection(entry.Seq, blockedBy, $"prev {record.Prev[..12]}... does not name seq {head.Seq} ({head.Hash[..12]}...)", entry.Bytes));
                continue;
            }

            accepted.Add(entry);
            head = new ChainHead(entry.Seq, entry.Hash);
        }

        if (blockedBy is not null && accepted.Count > 0)
        {
            // The checkpoint signs the last entry, and the chain from it back does not reach the entries before the break:
            // nothing signed vouches for them (an altered record links to the head but breaks the link after it).
            var firstBlocked = rejected.Where(r => r.Reason == blockedBy).Min(r => r.Seq);
            rejected.InsertRange(0, accepted.Select(e => new EntryRejection(e.Seq, blockedBy,
                $"precedes the {blockedBy} at seq {firstBlocked}, so the batch's checkpoint does not vouch for it", e.Bytes)));
            return new BatchVerdict([], duplicates, rejected, start);
        }

        return new BatchVerdict(accepted, duplicates, rejected, head);
    }

    private static BatchVerdict WholeBatch(ChainHead head, string reason, string detail, List<EntryRejection> rejected, IReadOnlyList<ChainEntry>? entries)
    {
        if (entries is null || entries.Count == 0)
        {
            rejected.Add(new EntryRejection(0, reason, detail, null));
        }
        else
        {
            rejected.AddRange(entries.Select(e => new EntryRejection(e.Seq, reason, detail, e.Bytes)));
        }

        return new BatchVerdict([], [], rejected, head);
    }
}

/// <summary>Why a whole batch is refused, and the entries flagged with it (none: the batch itself, seq 0).</summary>
public sealed record BatchRefusal(string Reason, string Detail, IReadOnlyList<ChainEntry>? Entries);

/// <summary>
/// A batch after <see cref="BatchVerifier.Check"/>: its entries in seq order and the records already flagged, or the
/// reason the whole batch is refused (then every one of <see cref="BatchRefusal.Entries"/> is flagged with it).
/// </summary>
public sealed class CheckedBatch
{
    internal CheckedBatch(IReadOnlyList<ChainEntry> entries, IReadOnlyList<EntryRejection> rejected, BatchRefusal? refusal)
    {
        Entries = entries;
        Rejected = rejected;
        Refusal = refusal;
    }

    public IReadOnlyList<ChainEntry> Entries { get; }

    public IReadOnlyList<EntryRejection> Rejected { get; }

    public BatchRefusal? Refusal { get; }

    internal static CheckedBatch Refused(List<EntryRejection> rejected, string reason, string detail, List<ChainEntry>? entries) =>
        new([], rejected, new BatchRefusal(reason, detail, entries is null ? null : [.. entries]));
}
