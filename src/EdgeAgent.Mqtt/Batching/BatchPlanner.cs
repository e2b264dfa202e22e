using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Mqtt.Batching;

/// <summary>One batch ready to publish: its payload and the seq range it covers.</summary>
internal sealed record PlannedBatch(long FirstSeq, long LastSeq, int Entries, byte[] Payload);

/// <summary>
/// Cuts outbox entries (in seq order) into batches of at most <see cref="RecordBatch.MaxBatchBytes"/>: records embedded
/// byte for byte, tombstones in <c>"dropped"</c>, and a checkpoint signed over each batch's last entry.
/// </summary>
internal sealed class BatchPlanner(ICheckpointSigner signer, int maxBatchBytes = RecordBatch.MaxBatchBytes)
{
    // Envelope, ids and checkpoint, generously: ids are at most 64 characters, the checkpoint about 200 bytes.
    private const int EnvelopeBytes = 1024;
    private const int TombstoneBytes = 100;

    public IReadOnlyList<PlannedBatch> Plan(IReadOnlyList<OutboxRecord> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var batches = new List<PlannedBatch>();
        var start = 0;
        while (start < entries.Count)
        {
            var size = EnvelopeBytes;
            var end = start;
            while (end < entries.Count)
            {
                var cost = entries[end].IsDropped ? TombstoneBytes : entries[end].Payload.Length + 1;
                if (end > start && size + cost > maxBatchBytes)
                {
                    break;
                }

                size += cost;
                end++;
            }

            batches.Add(Write(entries, start, end));
            start = end;
        }

        return batches;
    }

    private PlannedBatch Write(IReadOnlyList<OutboxRecord> entries, int start, int end)
    {
        var records = new List<ReadOnlyMemory<byte>>(end - start);
        var dropped = new List<Tombstone>();
        for (var i = start; i < end; i++)
        {
            var e = entries[i];
            if (e.IsDropped)
            {
                dropped.Add(new Tombstone { Seq = e.Seq, Hash = e.Hash });
            }
            else
            {
                records.Add(e.Payload);
            }
        }

        var last = entries[end - 1];
        var payload = RecordBatch.Write(signer.DeviceId, signer.ProductId, records, dropped, signer.Sign(last.Seq, last.Hash));
        if (payload.Length > maxBatchBytes)
        {
            throw new InvalidOperationException($"batch of seq {entries[start].Seq}..{last.Seq} is {payload.Length} bytes, above {maxBatchBytes}");
        }

        return new PlannedBatch(entries[start].Seq, last.Seq, end - start, payload);
    }
}
