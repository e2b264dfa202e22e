using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Sim.Report;

namespace EdgeAgent.Sim.Outbox;

/// <summary>
/// Wraps a device's outbox (in memory or SQLite) between the ledger and the real publisher: it times every record from
/// its append to the hub's first acknowledgement of it, and injects the two faults that live between the device's
/// storage and the hub.
/// <list type="bullet">
/// <item><b>duplicate</b> (<see cref="RewindCheckpoint"/>): the acknowledgement checkpoint goes back over the last
/// acknowledged records, as after a crash between the hub's acknowledgement and the local delete; the publisher's next
/// session sends them again, and the hub must store and count them once.</item>
/// <item><b>tamper</b> (<see cref="TamperNext"/>): the next record appended is altered on its first way out (one digit
/// of its <c>mono_ms</c> changed after it was hashed and linked), as by a man in the middle; the hub must flag that
/// batch (<c>broken_chain</c> or <c>bad_signature</c>) and count nothing of it, and take the true record when the
/// publisher sends it again.</item>
/// </list>
/// </summary>
internal sealed class ObservedOutbox(IOutbox inner, FleetCounters counters, TimeProvider time) : IOutbox
{
    /// <summary>How many acknowledged records are kept for a duplicate fault to send again.</summary>
    public const int Kept = 32;

    private readonly Lock _gate = new();
    private readonly Queue<(OutboxRecord Record, long AppendedAt)> _pending = new();
    private readonly Queue<OutboxRecord> _recent = new();
    private readonly List<long> _tampered = [];
    private long _acked = -1;
    private long? _rewoundTo;
    private long _lastAppended;
    private long? _tamperSeq;

    /// <summary>Seqs whose first delivery was altered.</summary>
    public IReadOnlyList<long> Tampered
    {
        get
        {
            lock (_gate)
            {
                return [.. _tampered];
            }
        }
    }

    /// <summary>The highest seq acknowledged by the hub (not rewound).</summary>
    public long Acked
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(0, _acked);
            }
        }
    }

    public long LastAppended => Interlocked.Read(ref _lastAppended);

    /// <summary>Makes the publisher's next session send up to <paramref name="records"/> acknowledged records again; returns how many.</summary>
    public int RewindCheckpoint(int records)
    {
        lock (_gate)
        {
            var n = Math.Min(records, _recent.Count);
            if (n > 0)
            {
                _rewoundTo = Math.Max(0, _acked) - n;
            }

            return n;
        }
    }

    /// <summary>Alters the first delivery of the next record appended; returns its seq.</summary>
    public long TamperNext()
    {
        lock (_gate)
        {
            var seq = Interlocked.Read(ref _lastAppended) + 1;
            _tamperSeq = seq;
            return seq;
        }
    }

    public async ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken)
    {
        var state = await inner.StartBootAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _acked = Math.Max(_acked, state.Acknowledged);
            Interlocked.Exchange(ref _lastAppended, Math.Max(_lastAppended, state.Head.Seq));
        }

        return state;
    }

    public ValueTask<ChainHead> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);

    public async ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var appendedAt = time.GetTimestamp();
        var outcome = await inner.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _pending.Enqueue((record, appendedAt));
            Interlocked.Exchange(ref _lastAppended, record.Seq);
        }

        counters.RecordMade();
        return outcome;
    }

    public async ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        var again = new List<OutboxRecord>();
        long innerAfter;
        lock (_gate)
        {
            innerAfter = Math.Max(afterSeq, Math.Max(0, _acked));
            if (afterSeq < _acked)
            {
                again.AddRange(_recent.Where(r => r.Seq > afterSeq).Take(max));
            }
        }

        var fresh = again.Count >= max ? [] : await inner.ReadAsync(innerAfter, max - again.Count, cancellationToken).ConfigureAwait(false);
        var entries = again.Count == 0 ? [.. fresh] : again.Concat(fresh).ToList();
        lock (_gate)
        {
            if (_tamperSeq is { } target && entries.FindIndex(e => e.Seq == target) is var i and >= 0)
            {
                entries[i] = entries[i] with { Payload = Altered(entries[i].Payload) };
                _tampered.Add(target);
                _tamperSeq = null;
            }
        }

        return entries;
    }

    public async ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        long fresh = 0, again = 0;
        lock (_gate)
        {
            if (_rewoundTo is { } rewound && seq > rewound)
            {
                again = Math.Min(seq, _acked) - rewound;
                _rewoundTo = seq >= _acked ? null : seq;
            }

            while (_pending.TryPeek(out var p) && p.Record.Seq <= seq)
            {
                _pending.Dequeue();
                counters.Latency.Add(time.GetElapsedTime(p.AppendedAt, now).TotalMilliseconds);
                _recent.Enqueue(p.Record);
                if (_recent.Count > Kept)
                {
                    _recent.Dequeue();
                }

                fresh++;
            }

            _acked = Math.Max(_acked, seq);
        }

        counters.RecordsAcknowledged(fresh);
        counters.RecordsAcknowledgedAgain(Math.Max(0, again));
        if (fresh > 0)
        {
            await inner.AcknowledgeAsync(seq, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_acked >= 0)
            {
                return ValueTask.FromResult(_rewoundTo ?? _acked);
            }
        }

        return inner.AcknowledgedAsync(cancellationToken);
    }

    public ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken) => inner.EnforceBudgetsAsync(cancellationToken);

    public ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken) => inner.DepthAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>The record's bytes with the first digit of its <c>mono_ms</c> changed: still valid JSON, another hash.</summary>
    internal static ReadOnlyMemory<byte> Altered(ReadOnlyMemory<byte> payload)
    {
        var bytes = payload.ToArray();
        var at = bytes.AsSpan().IndexOf("\"mono_ms\":"u8);
        if (at < 0)
        {
            throw new InvalidOperationException("a record without mono_ms cannot be altered");
        }

        var digit = at + "\"mono_ms\":".Length;
        bytes[digit] = bytes[digit] == (byte)'9' ? (byte)'8' : (byte)(bytes[digit] + 1);
        return bytes;
    }
}
