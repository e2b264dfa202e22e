namespace EdgeAgent.Core.Indicators;

/// <summary>The LED level after a <see cref="LedPlayer.Poll"/>, and whether it differs from the previous poll's.</summary>
public readonly record struct LedLevel(bool On, bool Changed);

/// <summary>
/// Plays the pattern of the state shown. The integrator drives it with a <see cref="PeriodicTimer"/> of
/// <see cref="TickInterval"/>: each tick <see cref="Show"/> the state of <see cref="LedRule.Choose"/>, then
/// <see cref="Poll"/>, and write the pin when <see cref="LedLevel.Changed"/>. A new state starts its pattern from the
/// top (so its first blip shows at once); showing the same state again keeps the phase. Starts <see cref="LedState.Off"/>.
/// Thread-safe (one lock).
/// </summary>
public sealed class LedPlayer
{
    /// <summary>Poll interval: a quarter of the shortest pattern segment (100 ms).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(25);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private LedState _state = LedState.Off;
    private long _since;
    private bool _lastOn;

    public LedPlayer(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _since = time.GetTimestamp();
    }

    public LedState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Shows <paramref name="state"/> from now; no change (and no restart) when it is already shown.</summary>
    public void Show(LedState state)
    {
        if (!Enum.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "not an LED state");
        }

        lock (_gate)
        {
            if (state != _state)
            {
                _state = state;
                _since = _time.GetTimestamp();
            }
        }
    }

    /// <summary>The level now.</summary>
    public LedLevel Poll()
    {
        lock (_gate)
        {
            var on = LedPattern.For(_state).IsOn(_time.GetElapsedTime(_since));
            var changed = on != _lastOn;
            _lastOn = on;
            return new LedLevel(on, changed);
        }
    }
}
