using EdgeAgent.Core.Modes;

namespace EdgeAgent.Core.Tests.Modes;

public sealed class SignalWindowTests
{
    // Timestamps in 10 MHz ticks, as FakeTimeProvider and TimeSpan use: one second is 10,000,000.
    private const long Frequency = TimeSpan.TicksPerSecond;
    private const long S = TimeSpan.TicksPerSecond;

    private static SignalWindow Store(double windowSeconds = 10, double latestMaxAgeSeconds = 2, int capacityLimit = SignalWindow.DefaultCapacityLimit) =>
        new(Frequency, new Dictionary<string, TimeSpan> { ["imu.motion_g"] = TimeSpan.FromSeconds(windowSeconds) }, TimeSpan.FromSeconds(latestMaxAgeSeconds), capacityLimit);

    public static TheoryData<SignalStat, double> Stats => new()
    {
        // Samples 3, 1, 4, 1, 5 at t = 0..4 s; window 4 s at now = 4 s holds all five.
        { SignalStat.Latest, 5 },                 // the newest
        { SignalStat.Mean, 2.8 },                 // (3 + 1 + 4 + 1 + 5) / 5 = 14 / 5
        { SignalStat.Min, 1 },
        { SignalStat.Max, 5 },
        { SignalStat.Range, 4 },                  // 5 - 1
        // deviations from 2.8: 0.2, -1.8, 1.2, -1.8, 2.2; squares 0.04 + 3.24 + 1.44 + 3.24 + 4.84 = 12.8;
        // population variance 12.8 / 5 = 2.56; stddev sqrt(2.56) = 1.6
        { SignalStat.StdDev, 1.6 },
    };

    [Theory]
    [MemberData(nameof(Stats))]
    public void Compute_EachStat_OverTheSamplesInTheWindow(SignalStat stat, double expected)
    {
        var store = Store();
        double[] values = [3, 1, 4, 1, 5];
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(store.Observe("imu.motion_g", values[i], i * S));
        }

        Assert.Equal(expected, store.Compute("imu.motion_g", stat, TimeSpan.FromSeconds(4), 4 * S)!.Value, 12);
    }

    [Theory]
    // Samples 10 at t = 0 s and 20 at t = 1 s, evaluated at now = 5 s: the window is [5 - w, 5], both ends included.
    [InlineData(5.0, 15.0)]        // [0, 5]: both, mean (10 + 20) / 2
    [InlineData(4.0, 20.0)]        // [1, 5]: the sample at exactly 1 s is in
    [InlineData(3.9999999, null)]  // [1.0000001, 5]: one tick too short, 1 s is out -> no sample
    [InlineData(3.0, null)]        // [2, 5]: nothing
    public void Compute_WindowEdges_IncludeBothEnds(double windowSeconds, double? expectedMean)
    {
        var store = Store();
        store.Observe("imu.motion_g", 10, 0);
        store.Observe("imu.motion_g", 20, 1 * S);

        Assert.Equal(expectedMean, store.Compute("imu.motion_g", SignalStat.Mean, TimeSpan.FromSeconds(windowSeconds), 5 * S));
    }

    [Fact]
    public void Compute_SampleAfterNow_IsNotInTheWindow()
    {
        var store = Store();
        store.Observe("imu.motion_g", 1, 4 * S);
        store.Observe("imu.motion_g", 100, 6 * S); // taken after the evaluation's timestamp

        Assert.Equal(1, store.Compute("imu.motion_g", SignalStat.Max, TimeSpan.FromSeconds(10), 5 * S));
        Assert.Equal(1, store.Compute("imu.motion_g", SignalStat.Latest, TimeSpan.Zero, 5 * S));
    }

    [Theory]
    // Latest-only (window 0) with evaluate_ms 1000: usable while no older than 2 x 1 s.
    [InlineData(0L, 7.0)]              // taken now
    [InlineData(2 * S, 7.0)]           // exactly 2 s old: still usable
    [InlineData((2 * S) + 1, null)]    // one tick older: stale -> no value
    [InlineData(60 * S, null)]
    public void Compute_LatestOnly_StaleSampleIsNoValue(long age, double? expected)
    {
        var store = Store(windowSeconds: 0);
        store.Observe("imu.motion_g", 7, 100 * S);

        Assert.Equal(expected, store.Compute("imu.motion_g", SignalStat.Latest, TimeSpan.Zero, (100 * S) + age));
    }

    [Theory]
    [InlineData(SignalStat.Mean, 7.0)]
    [InlineData(SignalStat.StdDev, 0.0)]   // one sample: no spread
    [InlineData(SignalStat.Range, 0.0)]
    public void Compute_ZeroWindowWithAStat_IsTheStatOfTheLatestSample(SignalStat stat, double expected)
    {
        var store = Store();
        store.Observe("imu.motion_g", 3, 9 * S);
        store.Observe("imu.motion_g", 7, 10 * S);

        Assert.Equal(expected, store.Compute("imu.motion_g", stat, TimeSpan.Zero, 10 * S));
    }

    [Fact]
    public void Compute_NoSampleYet_IsNoValue()
    {
        var store = Store();

        Assert.Null(store.Compute("imu.motion_g", SignalStat.Mean, TimeSpan.FromSeconds(10), 5 * S));
        Assert.Null(store.Compute("imu.motion_g", SignalStat.Latest, TimeSpan.Zero, 5 * S));
        Assert.Null(store.Compute("camera.active", SignalStat.Latest, TimeSpan.Zero, 5 * S)); // not kept at all
    }

    [Fact]
    public void Observe_SignalNoRuleReads_IsNotKept()
    {
        var store = Store();

        Assert.False(store.Observe("env.humidity_pct", 40, 0));
        Assert.Equal(0, store.Count("env.humidity_pct"));
    }

    [Fact]
    public void Observe_OlderThanTheNewest_IsRefusedAndNotKept()
    {
        var store = Store();
        store.Observe("imu.motion_g", 1, 5 * S);

        Assert.False(store.Observe("imu.motion_g", 100, 4 * S));
        Assert.True(store.Observe("imu.motion_g", 2, 5 * S)); // the same timestamp is not older
        Assert.Equal(2, store.Count("imu.motion_g"));
        Assert.Equal(2, store.Compute("imu.motion_g", SignalStat.Max, TimeSpan.FromSeconds(10), 5 * S));
    }

    [Fact]
    public void Observe_NotANumber_IsABugAndRefusedLoudly() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Store().Observe("imu.motion_g", double.NaN, 0));

    [Fact]
    public void Observe_LongRun_KeepsOnlyWhatTheLongestWindowNeeds()
    {
        var store = Store(windowSeconds: 10);
        for (var t = 0; t < 1000; t++)
        {
            store.Observe("imu.motion_g", t, t * S);
        }

        // The newest is at 999 s; a window of 10 s back from it is [989, 999]: 11 samples.
        Assert.Equal(11, store.Count("imu.motion_g"));
        Assert.Equal(989, store.Compute("imu.motion_g", SignalStat.Min, TimeSpan.FromSeconds(10), 999 * S));
    }

    [Fact]
    public void Observe_MoreSamplesThanTheLimit_KeepsTheNewest()
    {
        var store = Store(windowSeconds: 100, capacityLimit: 8);
        for (var t = 0; t < 20; t++)
        {
            store.Observe("imu.motion_g", t, t * S);
        }

        // 20 samples, room for 8: 12..19 are kept, mean (12 + 19) / 2 = 15.5.
        Assert.Equal(8, store.Count("imu.motion_g"));
        Assert.Equal(15.5, store.Compute("imu.motion_g", SignalStat.Mean, TimeSpan.FromSeconds(100), 19 * S));
    }

    [Fact]
    public void Observe_RingGrowsPastItsFirstSize_KeepsOrder()
    {
        // 100 Hz for 2 s with a 1 s window: 101 samples in the window, more than the first ring of 16 holds.
        var store = Store(windowSeconds: 1);
        for (var i = 0; i <= 200; i++)
        {
            store.Observe("imu.motion_g", i, i * S / 100);
        }

        // Window [1 s, 2 s] holds samples 100..200: min 100, max 200, latest 200, mean 150.
        Assert.Equal((100.0, 200.0, 200.0, 150.0), (
            store.Compute("imu.motion_g", SignalStat.Min, TimeSpan.FromSeconds(1), 2 * S)!.Value,
            store.Compute("imu.motion_g", SignalStat.Max, TimeSpan.FromSeconds(1), 2 * S)!.Value,
            store.Compute("imu.motion_g", SignalStat.Latest, TimeSpan.FromSeconds(1), 2 * S)!.Value,
            store.Compute("imu.motion_g", SignalStat.Mean, TimeSpan.FromSeconds(1), 2 * S)!.Value));
    }
}
