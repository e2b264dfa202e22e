namespace EdgeAgent.Contracts.Records;

/// <summary>The last record of a device's chain that has been checked: its sequence and hash.</summary>
public readonly record struct ChainHead(long Seq, string Hash)
{
    /// <summary>Before the first record: seq 0, and the hash the first record's <c>prev</c> must name.</summary>
    public static ChainHead Genesis => new(0, EvidenceRecord.GenesisPrev);
}

/// <summary>How a record relates to the head of its device's chain.</summary>
public enum LinkOutcome
{
    /// <summary>It is the next record: seq = head + 1 and prev = head's hash.</summary>
    Next,

    /// <summary>Its seq is at or below the head: a resend (same hash as stored) or a replay (different hash).</summary>
    AtOrBelowHead,

    /// <summary>Its seq skips ahead: records in between are missing (not yet arrived, or removed).</summary>
    Gap,

    /// <summary>It is next by seq but names another predecessor: something before it was changed or inserted.</summary>
    BrokenChain,
}

/// <summary>A problem found by <see cref="Chain.Verify"/>, at the record (by position and seq) where it shows.</summary>
public sealed record ChainProblem(int Index, long Seq, string Reason, string Detail);

/// <summary>Hash-chain checks shared by the agent's offline verifier, the hub's ingestion and the auditor's tool.</summary>
public static class Chain
{
    public static LinkOutcome Link(ChainHead head, EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Seq <= head.Seq)
        {
            return LinkOutcome.AtOrBelowHead;
        }

        if (record.Seq > head.Seq + 1)
        {
            return LinkOutcome.Gap;
        }

        return string.Equals(record.Prev, head.Hash, StringComparison.Ordinal) ? LinkOutcome.Next : LinkOutcome.BrokenChain;
    }

    /// <summary>
    /// Checks a device's encoded records in order from <paramref name="start"/>: each decodes, belongs to
    /// <paramref name="deviceId"/>, and links to the one before. Returns every problem and the head reached by the
    /// records that linked; a broken record is skipped and checking goes on from the last good head.
    /// </summary>
    public static (IReadOnlyList<ChainProblem> Problems, ChainHead Head) Verify(IEnumerable<byte[]> encoded, string deviceId, ChainHead start)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var problems = new List<ChainProblem>();
        var head = start;
        var index = 0;
        foreach (var bytes in encoded)
        {
            if (!RecordCodec.TryDecode(bytes, out var record, out var problem))
            {
                problems.Add(new ChainProblem(index++, -1, RejectionReasons.Malformed, problem!));
                continue;
            }

            if (!string.Equals(record!.DeviceId, deviceId, StringComparison.Ordinal))
            {
                problems.Add(new ChainProblem(index++, record.Seq, RejectionReasons.WrongTopic, $"record of device '{record.DeviceId}' in the chain of '{deviceId}'"));
                continue;
            }

            var hash = RecordCodec.Hash(bytes);
            switch (Link(head, record))
            {
                case LinkOutcome.Next:
                    head = new ChainHead(record.Seq, hash);
                    break;
                case LinkOutcome.AtOrBelowHead:
                    problems.Add(new ChainProblem(index, record.Seq, RejectionReasons.Replay, $"seq {record.Seq} comes after seq {head.Seq}"));
                    break;
                case LinkOutcome.Gap:
                    problems.Add(new ChainProblem(index, record.Seq, RejectionReasons.Gap, $"seq {record.Seq} follows seq {head.Seq}; {record.Seq - head.Seq - 1} record(s) missing"));
                    head = new ChainHead(record.Seq, hash);
                    break;
                case LinkOutcome.BrokenChain:
                    problems.Add(new ChainProblem(index, record.Seq, RejectionReasons.BrokenChain, $"prev {record.Prev[..12]}... does not name seq {head.Seq} ({head.Hash[..12]}...)"));
                    head = new ChainHead(record.Seq, hash);
                    break;
            }

            index++;
        }

        return (problems, head);
    }
}
