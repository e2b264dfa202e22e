using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Mqtt.Acks;

/// <summary>What an acknowledgement changes.</summary>
/// <param name="AcknowledgeUpTo">Delete the outbox up to this seq (null: nothing new).</param>
/// <param name="Rewound">The hub reported a gap: the cursor went back to the acknowledged seq.</param>
/// <param name="ClampedFrom">The hub acknowledged more than was sent: its value, else null.</param>
internal readonly record struct AckEffect(long? AcknowledgeUpTo, bool Rewound, long? ClampedFrom);

/// <summary>
/// The send cursor against the hub's acknowledgements: what was sent, what is acknowledged, how many batches are in
/// flight, when to send again (a gap reported once per acknowledged value, or no progress within the timeout).
/// Acknowledgements move the outbox only up to what was really sent, never at the broker's PUBACK.
/// </summary>
internal sealed class AckTracker(TimeSpan ackTimeout, TimeProvider time)
{
    private readonly Queue<long> _inFlight = new();
    private long? _gapRewoundFor;
    private long _progressAt;

    /// <summary>The highest seq the hub acknowledged (and the outbox deleted).</summary>
    public long Acked { get; private set; }

    /// <summary>The highest seq published in this session; the next batch starts after it.</summary>
    public long Cursor { get; private set; }

    /// <summary>The highest seq ever published by this process.</summary>
    public long HighestSent { get; private set; }

    public int InFlightBatches => _inFlight.Count;

    public bool HasInFlight => Cursor > Acked;

    /// <summary>A new session: everything unacknowledged is sent again.</summary>
    public void StartSession(long acked)
    {
        Acked = Math.Max(Acked, acked);
        Rewind();
    }

    public bool CanSend(int maxInFlightBatches) => _inFlight.Count < maxInFlightBatches;

    public void Sent(long lastSeq)
    {
        if (!HasInFlight)
        {
            _progressAt = time.GetTimestamp();
        }

        _inFlight.Enqueue(lastSeq);
        Cursor = lastSeq;
        HighestSent = Math.Max(HighestSent, lastSeq);
    }

    public AckEffect OnAck(BatchAck ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        long? clampedFrom = ack.AckedSeq > HighestSent ? ack.AckedSeq : null;
        var upTo = Math.Min(ack.AckedSeq, HighestSent);
        long? acknowledge = null;
        if (upTo > Acked)
        {
            Acked = upTo;
            acknowledge = upTo;
            _progressAt = time.GetTimestamp();
            while (_inFlight.TryPeek(out var last) && last <= Acked)
            {
                _inFlight.Dequeue();
            }

            if (Cursor < Acked)
            {
                Cursor = Acked;
            }
        }

        var rewound = false;
        if (ack.AckedSeq < Cursor && _gapRewoundFor != ack.AckedSeq && ack.Rejected.Any(r => r.Reason == RejectionReasons.Gap))
        {
            _gapRewoundFor = ack.AckedSeq;
            Rewind();
            rewound = true;
        }

        return new AckEffect(acknowledge, rewound, clampedFrom);
    }

    /// <summary>How long until the acknowledgement timeout fires, or null when nothing is in flight.</summary>
    public TimeSpan? UntilAckTimeout()
    {
        if (!HasInFlight)
        {
            return null;
        }

        var left = ackTimeout - time.GetElapsedTime(_progressAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public bool AckTimedOut() => UntilAckTimeout() == TimeSpan.Zero;

    /// <summary>Send again from the acknowledged seq + 1.</summary>
    public void Rewind()
    {
        Cursor = Acked;
        _inFlight.Clear();
        _progressAt = time.GetTimestamp();
    }
}
