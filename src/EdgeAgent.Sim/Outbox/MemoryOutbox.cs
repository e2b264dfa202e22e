using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Sim.Outbox;

/// <summary>
/// Core's <see cref="IOutbox"/> port held in memory: the log plus checkpoint semantics of the SQLite outbox (next-link
/// check, group of appends in call order, delete on acknowledgement, boot counter, activation) without a file. It is
/// what lets 10,000 virtual devices share one process on two cores (10,000 SQLite databases with fsync are not
/// feasible there); it is not durable, so a simulated reset keeps it (the device's flash survives a reboot) and a
/// stopped simulator loses it. Telemetry is never dropped: there is no disk budget to enforce.
/// </summary>
internal sealed class MemoryOutbox : IOutbox
{
    private readonly Lock _gate = new();
    private readonly List<OutboxRecord> _entries = [];
    private int _first;
    private long _boot;
    private ChainHead _head = ChainHead.Genesis;
    private long? _activationSeq;
    private long _acked;

    public ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _boot++;
            return ValueTask.FromResult(new LedgerState(_boot, _head, _activationSeq, _acked));
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
            if (record.Seq != _head.Seq + 1 || !string.Equals(record.Prev, _head.Hash, StringComparison.Ordinal))
            {
                throw new NotNextLinkException($"seq {record.Seq} (prev {record.Prev[..12]}...) is not the next link after seq {_head.Seq} ({_head.Hash[..12]}...)");
            }

            _entries.Add(record);
            _head = new ChainHead(record.Seq, record.Hash);
            if (_activationSeq is null && record.Type == RecordTypes.DeviceActivated)
            {
                _activationSeq = record.Seq;
            }
        }

        return ValueTask.FromResult(AppendOutcome.Stored);
    }

    public ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var start = _first;
            if (start < _entries.Count)
            {
                start += (int)Math.Max(0, afterSeq + 1 - _entries[_first].Seq);
            }

            var count = Math.Max(0, Math.Min(max, _entries.Count - start));
            IReadOnlyList<OutboxRecord> slice = count == 0 ? [] : _entries.GetRange(start, count);
            return ValueTask.FromResult(slice);
        }
    }

    public ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (seq <= _acked)
            {
                return ValueTask.CompletedTask;
            }

            _acked = Math.Min(seq, _head.Seq);
            while (_first < _entries.Count && _entries[_first].Seq <= _acked)
            {
                _first++;
            }

            if (_first > 256 && _first * 2 > _entries.Count)
            {
                _entries.RemoveRange(0, _first);
                _first = 0;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_acked);
        }
    }

    public ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DroppedTelemetry?>(null);

    public ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            long evidence = 0, evidenceBytes = 0, telemetry = 0, telemetryBytes = 0;
            for (var i = _first; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.Class == RecordClass.Evidence)
                {
                    evidence++;
                    evidenceBytes += e.Payload.Length;
                }
                else
                {
                    telemetry++;
                    telemetryBytes += e.Payload.Length;
                }
            }

            return ValueTask.FromResult(new OutboxDepth(evidence, evidenceBytes, telemetry, telemetryBytes));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
