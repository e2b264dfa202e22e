namespace EdgeAgent.Core.Controls;

/// <summary>
/// Finds long presses in a polled button level (contract, <c>controls.button.long_press_ms</c>). The raw level is
/// debounced: a change counts once the new level has been seen on every poll for <see cref="Debounce"/>, and then
/// dates from the first poll that saw it. <see cref="Observe"/> returns true exactly once per press, at the first poll
/// that sees the button down after the debounced press has lasted <see cref="LongPress"/> (while held, not at
/// release: a poll that already sees it up does not complete the press); a shorter press,
/// a button kept held, and bouncing shorter than the debounce never fire. A release glitch shorter than the debounce
/// does not break a press. Poll at 10 ms or faster so the debounce sees several polls. Not thread-safe: one button
/// loop owns it.
/// </summary>
public sealed class LongPressDetector
{
    /// <summary>
    /// 30 ms. Tactile switches settle within a few milliseconds of contact (J. Ganssle, "A Guide to Debouncing", 2004:
    /// most of the switches he measured bounced under 10 ms; he recommends a debounce period of 20 to 50 ms). 30 ms is
    /// well past that, and so short against a human press (a deliberate tap is about 100 ms or more; a long press is
    /// seconds) that nobody notices it.
    /// </summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(30);

    private readonly TimeProvider _time;
    private bool _raw;
    private long _rawSince;
    private bool _pressed;
    private long _pressedSince;
    private bool _fired;
    private long? _last;

    public LongPressDetector(TimeSpan longPress, TimeProvider time, TimeSpan? debounce = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var d = debounce ?? DefaultDebounce;
        ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(debounce));
        if (longPress <= d)
        {
            throw new ArgumentOutOfRangeException(nameof(longPress), longPress, $"long_press_ms must be longer than the debounce ({d.TotalMilliseconds} ms)");
        }

        _time = time;
        LongPress = longPress;
        Debounce = d;
    }

    public TimeSpan LongPress { get; }

    public TimeSpan Debounce { get; }

    /// <summary>The debounced level: true while the button is held.</summary>
    public bool IsPressed => _pressed;

    /// <summary>
    /// One poll: <paramref name="pressed"/> is the button's logical level (active-low already undone by the binding) at
    /// <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>, not going back). True when this poll completes a long press.
    /// </summary>
    public bool Observe(bool pressed, long timestamp)
    {
        if (timestamp < _last)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, $"poll at {timestamp} is before the previous one at {_last}");
        }

        if (_last is null || pressed != _raw)
        {
            _raw = pressed;
            _rawSince = timestamp;
        }

        _last = timestamp;
        if (_raw != _pressed && _time.GetElapsedTime(_rawSince, timestamp) >= Debounce)
        {
            _pressed = _raw;
            _pressedSince = _rawSince;
            _fired = false;
        }

        // Only on a poll that sees the button down: a release (or a glitch) in progress does not complete a press.
        if (_pressed && _raw && !_fired && _time.GetElapsedTime(_pressedSince, timestamp) >= LongPress)
        {
            _fired = true;
            return true;
        }

        return false;
    }
}
