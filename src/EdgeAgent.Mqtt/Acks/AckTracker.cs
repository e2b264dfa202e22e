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
/// <para>
/// Two brakes keep a fleet from burying a slow hub under copies of what it already holds queued. Each timeout without
/// progress doubles the next one, up to <see cref="MaxTimeoutFactor"/> × the configured timeout, until the hub
/// acknowledges something (as TCP backs off its retransmission timer). A batch the broker refuses as over quota (the
/// embedded hub's queue is full) stops sending for a jittered, growing pause (<see cref="Backoff"/> from
/// <see cref="BusyPauseMin"/> up to the configured timeout) that the next accepted batch resets.
/// </para>
/// </summary>
internal sealed class AckTracker(TimeSpan ackTimeout, TimeProvider time, Random jitter)
{
    /// <summary>The acknowledgement timeout grows to at most this multiple of the configured one.</summary>
    public const int MaxTimeoutFactor = 8;

    /// <summary>The first pause after a refused batch is uniform in [0, this].</summary>
    public static readonly TimeSpan BusyPauseMin = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _configured = ackTimeout;
    private readonly Queue<long> _inFlight = new();
    private readonly Connection.Backoff _busy = new(BusyPauseMin, ackTimeout > BusyPauseMin ? ackTimeout : BusyPauseMin, jitter);
    private long? _gapRewoundFor;
    private long _progressAt;
    private long? _busyUntil;

    /// <summary>How long the hub has to make progress before everything in flight is sent again (grows after each timeout).</summary>
    public TimeSpan Timeout { get; private set; } = ackTimeout;

    /// <summary>True while pausing after a batch the broker refused as over quota.</summary>
    public bool Busy => UntilBusyEnds() is not null;

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

    public bool CanSend(int maxInFlightBatches) => _inFlight.Count < maxInFlightBatches && !Busy;

    public void Sent(long lastSeq)
    {
        _busy.Reset();
        _busyUntil = null;
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
            Timeout = _configured;
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

        var left = Timeout - time.GetElapsedTime(_progressAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>How long the pause after a refused batch still lasts, or null when not pausing.</summary>
    public TimeSpan? UntilBusyEnds()
    {
        if (_busyUntil is not { } until)
        {
            return null;
        }

        var left = time.GetElapsedTime(time.GetTimestamp(), until);
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>The earlier of the acknowledgement timeout and the end of a pause, or null when neither is pending.</summary>
    public TimeSpan? UntilWake() => (UntilAckTimeout(), UntilBusyEnds()) switch
    {
        ({ } a, { } b) => a < b ? a : b,
        (var a, var b) => a ?? b,
    };

    public bool AckTimedOut() => UntilAckTimeout() == TimeSpan.Zero;

    /// <summary>The acknowledgement timeout fired: send again from acked + 1, and wait twice as long next time (up to the cap).</summary>
    public void TimedOut()
    {
        Rewind();
        var cap = _configured * MaxTimeoutFactor;
        Timeout = Timeout * 2 < cap ? Timeout * 2 : cap;
    }

    /// <summary>The broker refused a batch as over quota: nothing more is sent until the returned pause is over.</summary>
    public TimeSpan Refused()
    {
        var pause = _busy.NextDelay();
        _busyUntil = time.GetTimestamp() + (long)(pause.TotalSeconds * time.TimestampFrequency);
        return pause;
    }

    /// <summary>Refusals in the current streak (reset by the next accepted batch).</summary>
    public int Refusals => _busy.Failures;

    /// <summary>Send again from the acknowledged seq + 1.</summary>
    public void Rewind()
    {
        Cursor = Acked;
        _inFlight.Clear();
        _progressAt = time.GetTimestamp();
    }
}
