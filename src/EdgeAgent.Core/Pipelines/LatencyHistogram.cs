namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// A fixed-memory latency histogram: 8 buckets per doubling from 1 µs to about 68 s (relative error under 9%),
/// recorded lock-free, read as percentiles. Usage summaries report p50/p95/p99 from it without keeping samples.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 8;
    private const int Doublings = 26;
    private readonly long[] _counts = new long[(SubBuckets * Doublings) + 1];
    private long _total;
    private long _sumMicros;
    private long _maxMicros;

    public long Count => Interlocked.Read(ref _total);

    public TimeSpan Max => TimeSpan.FromMicroseconds(Interlocked.Read(ref _maxMicros));

    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds((double)Interlocked.Read(ref _sumMicros) / Count);

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Max(1L, (long)elapsed.TotalMicroseconds);
        Interlocked.Increment(ref _counts[BucketOf(micros)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sumMicros, micros);
        long seen;
        while (micros > (seen = Interlocked.Read(ref _maxMicros)) && Interlocked.CompareExchange(ref _maxMicros, micros, seen) != seen)
        {
        }
    }

    /// <summary>The latency below which a fraction <paramref name="quantile"/> of calls fell (upper edge of its bucket).</summary>
    public TimeSpan Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var total = Count;
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var b = 0; b < _counts.Length; b++)
        {
            seen += Interlocked.Read(ref _counts[b]);
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(Math.Min(UpperEdge(b), Interlocked.Read(ref _maxMicros)));
            }
        }

        return Max;
    }

    /// <summary>
    /// The counts so far, copied (the hot path stays lock-free and allocation-free; only the reader allocates). Two
    /// snapshots give the histogram of the calls between them: <see cref="LatencySnapshot.Since"/>.
    /// </summary>
    public LatencySnapshot Snapshot()
    {
        var counts = new long[_counts.Length];
        for (var b = 0; b < counts.Length; b++)
        {
            counts[b] = Interlocked.Read(ref _counts[b]);
        }

        return new LatencySnapshot(counts, Interlocked.Read(ref _maxMicros));
    }

    /// <summary>Upper edge in microseconds of a bucket (for <see cref="LatencySnapshot"/>).</summary>
    internal static double UpperEdgeOf(int bucket) => UpperEdge(bucket);

    public void Reset()
    {
        Array.Clear(_counts);
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _sumMicros, 0);
        Interlocked.Exchange(ref _maxMicros, 0);
    }

    private static int BucketOf(long micros)
    {
        // Doubling d covers [2^d, 2^(d+1)); within it, SubBuckets equal slices.
        var d = 63 - (int)long.LeadingZeroCount(micros);
        if (d >= Doublings)
        {
            return SubBuckets * Doublings;
        }

        var slice = (int)((micros - (1L << d)) * SubBuckets >> d);
        return (d * SubBuckets) + slice;
    }

    private static double UpperEdge(int bucket)
    {
        if (bucket >= SubBuckets * Doublings)
        {
            return double.MaxValue;
        }

        var d = bucket / SubBuckets;
        var slice = bucket % SubBuckets;
        return (1L << d) + (((slice + 1) * (double)(1L << d)) / SubBuckets);
    }
}

/// <summary>The bucket counts of a <see cref="LatencyHistogram"/> at one moment, or the difference of two such moments.</summary>
public sealed class LatencySnapshot
{
    private readonly long[] _counts;
    private readonly long _maxMicros;

    internal LatencySnapshot(long[] counts, long maxMicros)
    {
        _counts = counts;
        _maxMicros = maxMicros;
        Count = counts.Sum();
    }

    public long Count { get; }

    /// <summary>The calls recorded after <paramref name="earlier"/> was taken (null: all of them).</summary>
    public LatencySnapshot Since(LatencySnapshot? earlier)
    {
        if (earlier is null)
        {
            return this;
        }

        var counts = new long[_counts.Length];
        for (var b = 0; b < counts.Length; b++)
        {
            counts[b] = Math.Max(0, _counts[b] - earlier._counts[b]);
        }

        return new LatencySnapshot(counts, _maxMicros);
    }

    /// <summary>Same rule as <see cref="LatencyHistogram.Percentile"/>, over these counts only.</summary>
    public TimeSpan Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var b = 0; b < _counts.Length; b++)
        {
            seen += _counts[b];
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(Math.Min(LatencyHistogram.UpperEdgeOf(b), _maxMicros));
            }
        }

        return TimeSpan.FromMicroseconds(_maxMicros);
    }
}
