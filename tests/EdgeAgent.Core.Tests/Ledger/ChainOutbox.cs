using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Core.Tests.Ledger;

/// <summary>
/// A hand-written in-memory <see cref="IOutbox"/> for the ledger tests, holding the port's rules: next-link appends
/// (else <see cref="ArgumentException"/>, nothing stored), boot counter, activation, drop reports cleared only by the
/// record that reports them. Appends are stored synchronously at the call, so call order is commit order.
/// </summary>
internal sealed class ChainOutbox : IOutbox
{
    private readonly Lock _gate = new();
    private readonly List<OutboxRecord> _records = [];
    private ChainHead _head = ChainHead.Genesis;
    private long _boot;
    private long? _activationSeq;
    private long _acknowledged;

    /// <summary>The append of this seq fails once with an <see cref="IOException"/> (a disk error), storing nothing.</summary>
    public long? FailSeqOnce { get; set; }

    /// <summary>Drops not yet written down, as <see cref="EnforceBudgetsAsync"/> reports them.</summary>
    public DroppedTelemetry? Pending { get; set; }

    public int StartBootCalls { get; private set; }

    public IReadOnlyList<OutboxRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            StartBootCalls++;
            return ValueTask.FromResult(new LedgerState(++_boot, _head, _activationSeq, _acknowledged));
        }
    }

    public ValueTask<ChainHead> HeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_head);
        }
    }

    /// <summary>
    /// While set, appends queue up uncommitted (the real outbox's group commit, pipelined behind one another) until
    /// <see cref="Release"/> commits them in call order, each checked against the head the ones before it left.
    /// </summary>
    public bool Hold { get; set; }

    private readonly List<(OutboxRecord Record, TaskCompletionSource<AppendOutcome> Done)> _held = [];

    /// <summary>How many appends are held.</summary>
    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Stops holding and commits the held appends in order (a failed one fails those behind it as not the next link).</summary>
    public void Release()
    {
        List<(OutboxRecord Record, TaskCompletionSource<AppendOutcome> Done)> held;
        lock (_gate)
        {
            Hold = false;
            held = [.. _held];
            _held.Clear();
        }

        foreach (var (record, done) in held)
        {
            var result = Commit(record);
            if (result.IsCompletedSuccessfully)
            {
                done.SetResult(result.Result);
            }
            else
            {
                done.SetException(result.AsTask().Exception!.InnerExceptions);
            }
        }
    }

    public ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Hold)
            {
                var done = new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Add((record, done));
                return new ValueTask<AppendOutcome>(done.Task);
            }
        }

        return Commit(record);
    }

    private ValueTask<AppendOutcome> Commit(OutboxRecord record)
    {
        lock (_gate)
        {
            if (record.Seq != _head.Seq + 1 || record.Prev != _head.Hash)
            {
                return ValueTask.FromException<AppendOutcome>(new NotNextLinkException($"record seq {record.Seq} is not the next link: the head is seq {_head.Seq}"));
            }

            if (FailSeqOnce == record.Seq)
            {
                FailSeqOnce = null;
                return ValueTask.FromException<AppendOutcome>(new IOException($"disk error writing seq {record.Seq}"));
            }

            if (record.Reports is { } report)
            {
                if (report != Pending)
                {
                    return ValueTask.FromException<AppendOutcome>(new ArgumentException($"report {report} is not what is pending ({Pending})"));
                }

                Pending = null;
            }

            _records.Add(record);
            _head = new ChainHead(record.Seq, record.Hash);
            if (_activationSeq is null && record.Type == RecordTypes.DeviceActivated)
            {
                _activationSeq = record.Seq;
            }

            return ValueTask.FromResult(AppendOutcome.Stored);
        }
    }

    public ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxRecord>>([.. _records.Where(r => r.Seq > afterSeq).Take(max)]);
        }
    }

    public ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _records.RemoveAll(r => r.Seq <= seq);
            _acknowledged = Math.Max(_acknowledged, seq);
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_acknowledged);

    public ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Pending);

    public ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new OutboxDepth(_records.Count, _records.Sum(r => (long)r.Payload.Length), 0, 0));
        }
    }

    /// <summary>Replaces a stored entry (to tamper with the log in export tests).</summary>
    public void Replace(int index, OutboxRecord record)
    {
        lock (_gate)
        {
            _records[index] = record;
        }
    }

    /// <summary>Removes a stored entry (to tamper with the log in export tests).</summary>
    public void RemoveAt(int index)
    {
        lock (_gate)
        {
            _records.RemoveAt(index);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
