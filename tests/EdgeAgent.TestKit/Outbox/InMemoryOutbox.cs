using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.TestKit.Outbox;

/// <summary>
/// <see cref="IOutbox"/> in memory, as a real chain: each append must be the next link (seq = head + 1, prev = head
/// hash, hash = SHA-256 of the payload), telemetry can be dropped down to a tombstone, and acknowledging deletes.
/// </summary>
public sealed class InMemoryOutbox : IOutbox
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, OutboxRecord> _entries = [];
    private ChainHead _head = ChainHead.Genesis;
    private long _boot;
    private long _acknowledged;
    private long? _activationSeq;
    private DroppedTelemetry? _pendingDrops;

    /// <summary>How many times <see cref="AcknowledgeAsync"/> was called.</summary>
    public int AcknowledgeCalls { get; private set; }

    public ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _boot++;
            return ValueTask.FromResult(new LedgerState(_boot, _head, _activationSeq, _acknowledged));
        }
    }

    public ValueTask<ChainHead> HeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_head);
        }
    }

    public ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (record.Seq != _head.Seq + 1)
            {
                throw new NotNextLinkException($"seq {record.Seq} is not the next link after {_head.Seq}");
            }

            if (!string.Equals(record.Prev, _head.Hash, StringComparison.Ordinal))
            {
                throw new ArgumentException($"prev of seq {record.Seq} does not name the head's hash", nameof(record));
            }

            if (!string.Equals(RecordCodec.Hash(record.Payload.Span), record.Hash, StringComparison.Ordinal))
            {
                throw new ArgumentException($"hash of seq {record.Seq} is not the SHA-256 of its payload", nameof(record));
            }

            _entries[record.Seq] = record with { Payload = record.Payload.ToArray() };
            _head = new ChainHead(record.Seq, record.Hash);
            if (record.Type == RecordTypes.DeviceActivated && _activationSeq is null)
            {
                _activationSeq = record.Seq;
            }

            if (record.Reports is { } reports && _pendingDrops is { } pending && reports.LastSeq >= pending.LastSeq)
            {
                _pendingDrops = null;
            }

            return ValueTask.FromResult(AppendOutcome.Stored);
        }
    }

    /// <summary>Drops a stored telemetry record down to its tombstone (as the budget would); evidence refuses.</summary>
    public void Drop(long seq)
    {
        lock (_gate)
        {
            var e = _entries[seq];
            if (e.Class != RecordClass.Telemetry)
            {
                throw new InvalidOperationException($"seq {seq} is evidence; evidence is never dropped");
            }

            _entries[seq] = e with { Payload = ReadOnlyMemory<byte>.Empty, IsDropped = true };
            _pendingDrops = _pendingDrops is { } p
                ? new DroppedTelemetry(p.Count + 1, Math.Min(p.FirstSeq, seq), Math.Max(p.LastSeq, seq), p.Bytes + e.Payload.Length)
                : new DroppedTelemetry(1, seq, seq, e.Payload.Length);
        }
    }

    public ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<OutboxRecord> read = [.. _entries.Values.Where(e => e.Seq > afterSeq).Take(max)];
            return ValueTask.FromResult(read);
        }
    }

    public ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            AcknowledgeCalls++;
            if (seq > _head.Seq)
            {
                throw new ArgumentOutOfRangeException(nameof(seq), $"acknowledged seq {seq} is above the head {_head.Seq}");
            }

            foreach (var key in _entries.Keys.Where(k => k <= seq).ToList())
            {
                _entries.Remove(key);
            }

            _acknowledged = Math.Max(_acknowledged, seq);
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_acknowledged);
        }
    }

    public ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_pendingDrops);
        }
    }

    public ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var evidence = _entries.Values.Where(e => e.Class == RecordClass.Evidence).ToList();
            var telemetry = _entries.Values.Where(e => e.Class == RecordClass.Telemetry).ToList();
            return ValueTask.FromResult(new OutboxDepth(
                evidence.Count, evidence.Sum(e => (long)e.Payload.Length), telemetry.Count, telemetry.Sum(e => (long)e.Payload.Length)));
        }
    }

    /// <summary>The highest acknowledged seq, read synchronously.</summary>
    public long Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged;
            }
        }
    }

    /// <summary>Entries still held (not yet acknowledged).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
