namespace EdgeAgent.Mqtt.Connection;

/// <summary>
/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), for reconnects and
/// for a broker that refuses batches as over quota: the n-th delay in a failure streak is uniform in
/// [0, min(max, min·2ⁿ)]. A success resets the streak.
/// </summary>
internal sealed class Backoff(TimeSpan min, TimeSpan max, Random random)
{
    public int Failures { get; private set; }

    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(Failures, 30);
        Failures++;
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
#pragma warning disable CA5394 // Jitter, not security: spreading reconnects of a fleet needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
#pragma warning restore CA5394
    }

    public void Reset() => Failures = 0;
}
