namespace EdgeAgent.Core.Modes;

/// <summary>
/// The recent samples of the signals a rule set reads: per signal a ring of (timestamp, value) that keeps what the
/// longest window over that signal needs (at least <see cref="LatestMaxAge"/>, for latest-only conditions) and drops
/// older samples as new ones come. Appending is O(1) amortised (each sample is written once and dropped once; the ring
/// doubles when a window holds more samples than it has room for, up to <see cref="CapacityLimit"/> per signal, after
/// which the oldest is overwritten: at 1 kHz and a 4 s window the statistic covers only the newest 4,096 samples).
/// A statistic is O(samples in the window). Signals no rule reads are not kept. Not thread-safe: its owner
/// (<see cref="ModeDetector"/>) holds one lock around it.
/// </summary>
public sealed class SignalWindow
{
    /// <summary>Samples kept per signal at most.</summary>
    public const int DefaultCapacityLimit = 4096;

    private const int InitialCapacity = 16;

    private readonly Dictionary<string, Ring> _signals = new(StringComparer.Ordinal);
    private readonly long _frequency;
    private readonly long _latestMaxAge;

    /// <param name="timestampFrequency">Ticks per second of the timestamps (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    /// <param name="windows">Per signal, the longest window any condition looks back over it (zero: latest only).</param>
    /// <param name="latestMaxAge">How old the latest sample may be for a zero window (contract: twice the evaluate interval).</param>
    /// <param name="capacityLimit">Samples kept per signal at most.</param>
    public SignalWindow(long timestampFrequency, IReadOnlyDictionary<string, TimeSpan> windows, TimeSpan latestMaxAge, int capacityLimit = DefaultCapacityLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfLessThan(latestMaxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityLimit, 1);
        _frequency = timestampFrequency;
        LatestMaxAge = latestMaxAge;
        CapacityLimit = capacityLimit;
        _latestMaxAge = Ticks(latestMaxAge);
        foreach (var (signal, window) in windows)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero, signal);
            _signals[signal] = new Ring(Math.Max(Ticks(window), _latestMaxAge), capacityLimit);
        }
    }

    public TimeSpan LatestMaxAge { get; }

    public int CapacityLimit { get; }

    /// <summary>The signals kept.</summary>
    public IEnumerable<string> Signals => _signals.Keys;

    public bool Tracks(string signal) => _signals.ContainsKey(signal);

    /// <summary>
    /// Adds a sample. False, and nothing kept, when no rule reads <paramref name="signal"/> or the sample is older than
    /// the newest one of that signal (one sensor loop feeds a signal, so its timestamps never go back).
    /// </summary>
    public bool Observe(string signal, double value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (!double.IsFinite(value))
        {
            // A sensor without a valid reading produces no sample (contract); NaN here is a bug upstream.
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{signal}: a sample must be a finite number; a missing reading is no sample");
        }

        return _signals.TryGetValue(signal, out var ring) && ring.Append(timestamp, value);
    }

    /// <summary>Samples of <paramref name="signal"/> held now (for tests and diagnostics).</summary>
    public int Count(string signal) => _signals.TryGetValue(signal, out var ring) ? ring.Count : 0;

    /// <summary>
    /// <paramref name="stat"/> over the samples of <paramref name="signal"/> timestamped in
    /// <c>[now - window, now]</c>, or, for a zero window, over the latest sample at or before <paramref name="now"/> if
    /// it is no older than <see cref="LatestMaxAge"/>. Null when there is no such sample or the signal is not kept.
    /// </summary>
    public double? Compute(string signal, SignalStat stat, TimeSpan window, long now)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (!_signals.TryGetValue(signal, out var ring))
        {
            return null;
        }

        return window == TimeSpan.Zero
            ? ring.Latest(now, _latestMaxAge) is { } latest ? Single(stat, latest) : null
            : ring.Compute(stat, now - Ticks(window), now);
    }

    private static double Single(SignalStat stat, double value) =>
        stat is SignalStat.StdDev or SignalStat.Range ? 0.0 : value;

    /// <summary>A duration in timestamp ticks, exact for integer tick ratios (10 MHz fakes, 1 GHz Linux stopwatch).</summary>
    private long Ticks(TimeSpan span) => (long)((Int128)span.Ticks * _frequency / TimeSpan.TicksPerSecond);

    private sealed class Ring(long retention, int capacityLimit)
    {
        private long[] _at = new long[Math.Min(InitialCapacity, capacityLimit)];
        private double[] _value = new double[Math.Min(InitialCapacity, capacityLimit)];
        private int _head; // oldest
        private bool _any;
        private long _newest;

        public int Count { get; private set; }

        public bool Append(long timestamp, double value)
        {
            if (_any && timestamp < _newest)
            {
                return false;
            }

            var keepFrom = timestamp - retention;
            while (Count > 0 && _at[_head] < keepFrom)
            {
                _head = (_head + 1) % _at.Length;
                Count--;
            }

            if (Count == _at.Length)
            {
                if (_at.Length < capacityLimit)
                {
                    Grow(Math.Min(_at.Length * 2, capacityLimit));
                }
                else
                {
                    _head = (_head + 1) % _at.Length;
                    Count--;
                }
            }

            var slot = (_head + Count) % _at.Length;
            _at[slot] = timestamp;
            _value[slot] = value;
            Count++;
            _any = true;
            _newest = timestamp;
            return true;
        }

        public double? Latest(long now, long maxAge)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                var slot = (_head + i) % _at.Length;
                if (_at[slot] <= now)
                {
                    return now - _at[slot] <= maxAge ? _value[slot] : null;
                }
            }

            return null;
        }

        public double? Compute(SignalStat stat, long from, long to)
        {
            // Newest first: skip samples after `to`, stop at the first one before `from`.
            int n = 0, newest = -1, oldest = -1;
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (var i = Count - 1; i >= 0; i--)
            {
                var slot = (_head + i) % _at.Length;
                if (_at[slot] > to)
                {
                    continue;
                }

                if (_at[slot] < from)
                {
                    break;
                }

                if (newest < 0)
                {
                    newest = i;
                }

                oldest = i;
                var v = _value[slot];
                n++;
                sum += v;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            if (n == 0)
            {
                return null;
            }

            var mean = sum / n;
            switch (stat)
            {
                case SignalStat.Latest:
                    return _value[(_head + newest) % _at.Length];
                case SignalStat.Mean:
                    return mean;
                case SignalStat.Min:
                    return min;
                case SignalStat.Max:
                    return max;
                case SignalStat.Range:
                    return max - min;
                default:
                    // Two passes (mean, then squared deviations): no cancellation for a near-constant signal.
                    var squares = 0.0;
                    for (var i = oldest; i <= newest; i++)
                    {
                        var d = _value[(_head + i) % _at.Length] - mean;
                        squares += d * d;
                    }

                    return Math.Sqrt(squares / n);
            }
        }

        private void Grow(int capacity)
        {
            var at = new long[capacity];
            var value = new double[capacity];
            for (var i = 0; i < Count; i++)
            {
                at[i] = _at[(_head + i) % _at.Length];
                value[i] = _value[(_head + i) % _value.Length];
            }

            (_at, _value, _head) = (at, value, 0);
        }
    }
}
