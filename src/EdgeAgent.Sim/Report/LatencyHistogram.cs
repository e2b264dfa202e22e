namespace EdgeAgent.Sim.Report;

/// <summary>
/// Record-to-acknowledgement latencies at 1 ms resolution up to 120 s (one bucket per millisecond, lock-free), so that
/// 10,000 devices can add to it from every thread and the percentiles are exact to the millisecond; slower ones
/// land in the last bucket and are counted as over.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 120_000;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;
    private long _max;

    public long Count => Interlocked.Read(ref _total);

    public long MaxMs => Interlocked.Read(ref _max);

    public void Add(double ms)
    {
        var bucket = ms <= 0 ? 0 : ms >= Buckets ? Buckets : (int)ms;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _total);
        var whole = (long)Math.Ceiling(ms);
        long seen;
        while (whole > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, whole, seen) != seen)
        {
        }
    }

    /// <summary>The latency at or below which <paramref name="quantile"/> of the samples lie, in ms (upper edge of its bucket); null when empty.</summary>
    public double? Percentile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i <= Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return i + 1;
            }
        }

        return Buckets;
    }
}
