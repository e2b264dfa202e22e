namespace EdgeAgent.Core.Indicators;

/// <summary>
/// A repeating on/off sequence: <see cref="Segments"/> alternate on, off, on, off... starting with on, and repeat every
/// <see cref="Period"/>; no segments is always off. The shipped patterns (<see cref="For"/>, table in the README):
/// booting 500 on / 500 off (1 Hz, 50 %); connected a 100 ms blip every 3 s; offline two 100 ms blips every 2 s;
/// updating 125 / 125 (4 Hz); fault three 150 ms blips every 2 s; off dark. Every segment is at least 100 ms, so a
/// player polled every <see cref="LedPlayer.TickInterval"/> is at most a quarter of the shortest segment late.
/// </summary>
public sealed record LedPattern
{
    public static readonly LedPattern Off = new([]);
    public static readonly LedPattern Booting = Ms(500, 500);
    public static readonly LedPattern Connected = Ms(100, 2900);
    public static readonly LedPattern OfflineBacklog = Ms(100, 200, 100, 1600);
    public static readonly LedPattern Updating = Ms(125, 125);
    public static readonly LedPattern Fault = Ms(150, 150, 150, 150, 150, 1250);

    private readonly TimeSpan[] _segments;

    public LedPattern(IReadOnlyList<TimeSpan> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count % 2 != 0)
        {
            throw new ArgumentException("an LED pattern alternates on and off: it needs an even number of segments", nameof(segments));
        }

        if (segments.Any(s => s <= TimeSpan.Zero))
        {
            throw new ArgumentException("every LED pattern segment must be longer than zero", nameof(segments));
        }

        _segments = [.. segments];
        Period = segments.Aggregate(TimeSpan.Zero, (sum, s) => sum + s);
    }

    /// <summary>On, off, on, off, ... durations.</summary>
    public IReadOnlyList<TimeSpan> Segments => _segments;

    public TimeSpan Period { get; }

    /// <summary>The pattern of <paramref name="state"/>.</summary>
    public static LedPattern For(LedState state) => state switch
    {
        LedState.Off => Off,
        LedState.Booting => Booting,
        LedState.Connected => Connected,
        LedState.OfflineBacklog => OfflineBacklog,
        LedState.Updating => Updating,
        LedState.Fault => Fault,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not an LED state"),
    };

    /// <summary>Whether the LED is lit <paramref name="sincePatternStart"/> after the pattern started (each segment includes its start).</summary>
    public bool IsOn(TimeSpan sincePatternStart) => Locate(sincePatternStart).Segment % 2 == 0 && _segments.Length > 0;

    /// <summary>How long from <paramref name="sincePatternStart"/> until the LED next changes (<see cref="TimeSpan.MaxValue"/> for a pattern that never does).</summary>
    public TimeSpan UntilChange(TimeSpan sincePatternStart) =>
        _segments.Length == 0 ? TimeSpan.MaxValue : Locate(sincePatternStart).Remaining;

    private (int Segment, TimeSpan Remaining) Locate(TimeSpan since)
    {
        if (_segments.Length == 0)
        {
            return (1, TimeSpan.MaxValue);
        }

        var at = since < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(since.Ticks % Period.Ticks);
        for (var i = 0; i < _segments.Length; i++)
        {
            if (at < _segments[i])
            {
                return (i, _segments[i] - at);
            }

            at -= _segments[i];
        }

        return (0, _segments[0]); // unreachable: at < Period
    }

    private static LedPattern Ms(params int[] ms) => new([.. ms.Select(m => TimeSpan.FromMilliseconds(m))]);
}
