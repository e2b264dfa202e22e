using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Tests.Pipelines;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentile_UniformOneToTenMilliseconds_IsWithinBucketError()
    {
        var h = new LatencyHistogram();
        for (var us = 1000; us <= 10_000; us += 10)
        {
            h.Record(TimeSpan.FromMicroseconds(us));
        }

        Assert.Equal(901, h.Count);
        Assert.InRange(h.Percentile(0.50).TotalMilliseconds, 5.5, 5.5 * 1.09);
        Assert.InRange(h.Percentile(0.95).TotalMilliseconds, 9.55, 9.55 * 1.09);
        Assert.InRange(h.Percentile(0.99).TotalMilliseconds, 9.91, 10.0);
        Assert.Equal(10.0, h.Max.TotalMilliseconds);
        Assert.Equal(5.5, h.Mean.TotalMilliseconds, 3);
    }

    [Fact]
    public void Percentile_Empty_IsZero() => Assert.Equal(TimeSpan.Zero, new LatencyHistogram().Percentile(0.5));

    [Fact]
    public void Percentile_OneSlowOutlier_ShowsOnlyAtTheTop()
    {
        var h = new LatencyHistogram();
        for (var i = 0; i < 99; i++)
        {
            h.Record(TimeSpan.FromMicroseconds(100));
        }

        h.Record(TimeSpan.FromSeconds(2));

        Assert.InRange(h.Percentile(0.99).TotalMicroseconds, 100, 109);
        Assert.Equal(2.0, h.Percentile(1.0).TotalSeconds);
    }

    [Fact]
    public void Record_FromManyThreads_CountsEveryCall()
    {
        var h = new LatencyHistogram();

        Parallel.For(0, 10_000, i => h.Record(TimeSpan.FromMicroseconds(1 + (i % 500))));

        Assert.Equal(10_000, h.Count);
        Assert.Equal(500, h.Max.TotalMicroseconds);
    }
}
