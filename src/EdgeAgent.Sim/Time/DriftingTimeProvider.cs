namespace EdgeAgent.Sim.Time;

/// <summary>
/// A device's own oscillator: the system clock running fast (positive ppm) or slow by a fixed rate from the moment the
/// device was made, for its monotonic and its wall clock alike. With a trusted clock the drift shows as wall time running
/// away from the hub's; without one it shows as the <c>offset_ms</c> of the boot's successive <c>clock.sync</c> records
/// changing by about ppm × 10⁻⁶ × the milliseconds between them. Timers are the system's (a drift of a few hundred ppm
/// does not change when a batch is due in any way that matters).
/// </summary>
internal sealed class DriftingTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly double _rate;
    private readonly long _origin;
    private readonly DateTimeOffset _originUtc;

    public DriftingTimeProvider(TimeProvider inner, double ppm)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (ppm is <= -1_000_000 or >= 1_000_000 || double.IsNaN(ppm))
        {
            throw new ArgumentOutOfRangeException(nameof(ppm), ppm, "drift must be between -1000000 and 1000000 ppm (exclusive)");
        }

        _inner = inner;
        _rate = 1 + (ppm / 1_000_000);
        Ppm = ppm;
        _origin = inner.GetTimestamp();
        _originUtc = inner.GetUtcNow();
    }

    public double Ppm { get; }

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _origin + (long)((_inner.GetTimestamp() - _origin) * _rate);

    public override DateTimeOffset GetUtcNow() => _originUtc + (_inner.GetElapsedTime(_origin) * _rate);

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);
}
