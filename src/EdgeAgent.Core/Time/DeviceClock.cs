using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Time;

/// <summary>What the composition root found out about the system clock at start (most trusted first).</summary>
public enum SystemClockTrust
{
    /// <summary>Not known to be right (no RTC, no sync): wall time comes from the hub's anchor, or is unknown.</summary>
    None,

    /// <summary>Synchronised by NTP.</summary>
    Ntp,

    /// <summary>Disciplined by a GNSS receiver.</summary>
    Gnss,

    /// <summary>Set from a battery-backed real-time clock.</summary>
    Rtc,
}

/// <summary>
/// The device's two clocks (EVIDENCE.md, "Time on devices without a real-time clock"): <see cref="MonoMs"/>, monotonic
/// milliseconds since this boot, for every duration; and <see cref="Wall"/>, the wall time if one is known and where it
/// came from: the system clock when the composition root trusts it, else the hub's anchor from the last clock sync of
/// this boot (mono + offset, <c>hub</c>), else none. Thread-safe.
/// </summary>
public sealed class DeviceClock
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private ClockSyncSample? _anchor;

    public DeviceClock(TimeProvider time, SystemClockTrust trust)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!Enum.IsDefined(trust))
        {
            throw new ArgumentOutOfRangeException(nameof(trust), trust, "SystemClockTrust must be one of None, Ntp, Gnss, Rtc");
        }

        _time = time;
        Trust = trust;
        _start = time.GetTimestamp();
    }

    public SystemClockTrust Trust { get; }

    /// <summary>Milliseconds since this clock was made (the start of this boot), monotonic.</summary>
    public long MonoMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>
    /// The <see cref="MonoMs"/> that goes with a <see cref="TimeProvider.GetTimestamp"/> of the same provider, for
    /// events timestamped when they happened (a mode switch at its evaluation, a sample).
    /// </summary>
    public long MonoMsAt(long timestamp) => (long)_time.GetElapsedTime(_start, timestamp).TotalMilliseconds;

    /// <summary>The hub's anchor in use, if any.</summary>
    public ClockSyncSample? CurrentAnchor => Volatile.Read(ref _anchor);

    /// <summary>Takes a completed clock-sync exchange as this boot's anchor (the latest one wins).</summary>
    public void Anchor(ClockSyncSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.ReceivedMonoMs < sample.SentMonoMs)
        {
            throw new ArgumentException($"clock sync answered at mono {sample.ReceivedMonoMs} before it was sent at {sample.SentMonoMs}", nameof(sample));
        }

        Volatile.Write(ref _anchor, sample);
    }

    /// <summary>The wall time now in Unix milliseconds and its <see cref="TimeSources"/> source, or (null, <c>none</c>).</summary>
    public (long? WallMs, string Source) Wall() => WallAt(MonoMs);

    /// <summary>The wall time that goes with <paramref name="monoMs"/> of this boot (same rules as <see cref="Wall"/>).</summary>
    public (long? WallMs, string Source) WallAt(long monoMs)
    {
        switch (Trust)
        {
            case SystemClockTrust.Ntp:
                return (_time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSources.Ntp);
            case SystemClockTrust.Gnss:
                return (_time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSources.Gnss);
            case SystemClockTrust.Rtc:
                return (_time.GetUtcNow().ToUnixTimeMilliseconds(), TimeSources.Rtc);
        }

        return CurrentAnchor is { } anchor ? (monoMs + anchor.OffsetMs, TimeSources.Hub) : (null, TimeSources.None);
    }
}
