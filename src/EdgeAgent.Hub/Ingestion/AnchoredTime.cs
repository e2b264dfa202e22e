using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Ingestion;

/// <summary>How far a record's absolute time can be trusted (EVIDENCE.md, "Time on devices without a real-time clock").</summary>
internal static class TimeStatus
{
    public const string Synced = "synced";
    public const string Anchored = "anchored";
    public const string Bounded = "bounded";
    public const string Unknown = "unknown";
}

/// <summary>A record's absolute time: an estimate and the interval it lies in (Unix ms), or nothing when unknown.</summary>
internal sealed record AnchoredTime(string Status, long? EstMs, long? LoMs, long? HiMs)
{
    public static AnchoredTime Unknown { get; } = new(TimeStatus.Unknown, null, null, null);
}

/// <summary>One anchored boot: wall = mono + <see cref="OffsetMs"/> ± <see cref="ErrMs"/>, and the mono range of its records held.</summary>
internal sealed record BootAnchor(long Boot, long OffsetMs, long ErrMs, long MinMonoMs, long MaxMonoMs);

/// <summary>
/// Places records in absolute time, most trusted first: a synced wall clock (<c>gnss</c>, <c>ntp</c>); the boot's anchor
/// from a verified <c>clock.sync</c> (<c>anchored</c>, est = mono + offset ± err); for a boot that never synced, the
/// interval between the last known time of the anchored boot before it and the start of the anchored boot after it (or
/// the hub's receive time when there is none after) (<c>bounded</c>); else <c>unknown</c>. A synced wall time before the
/// unit's manufacture or after the hub received the record is impossible: it is rejected and the record re-anchored
/// like one without it. Pure: no I/O, no clock.
/// </summary>
internal sealed class TimeAnchors
{
    private readonly List<BootAnchor> _anchors;
    private readonly long _notBeforeMs;

    /// <param name="notBeforeMs">The start of the unit's manufacture day (Unix ms), when the registry knows it.</param>
    public TimeAnchors(IEnumerable<BootAnchor> anchors, long? notBeforeMs = null)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        _anchors = [.. anchors.OrderBy(a => a.Boot)];
        _notBeforeMs = notBeforeMs ?? long.MinValue;
    }

    public AnchoredTime Place(long boot, long monoMs, long? wallMs, string timeSource, long receivedAtMs)
    {
        if (wallMs is { } wall && (timeSource == TimeSources.Gnss || timeSource == TimeSources.Ntp) && wall >= _notBeforeMs && wall <= receivedAtMs)
        {
            return new AnchoredTime(TimeStatus.Synced, wall, wall, wall);
        }

        BootAnchor? before = null;
        BootAnchor? after = null;
        foreach (var a in _anchors)
        {
            if (a.Boot == boot)
            {
                var est = monoMs + a.OffsetMs;
                return new AnchoredTime(TimeStatus.Anchored, est, est - a.ErrMs, est + a.ErrMs);
            }

            if (a.Boot < boot)
            {
                before = a;
            }
            else
            {
                after ??= a;
            }
        }

        if (before is null)
        {
            return AnchoredTime.Unknown;
        }

        // The boot came after the last record held of the boot before it and before the next anchored boot started.
        var lo = before.MaxMonoMs + before.OffsetMs - before.ErrMs;
        var hi = after is null ? receivedAtMs : Math.Min(receivedAtMs, after.OffsetMs + after.ErrMs);
        return hi < lo ? AnchoredTime.Unknown : new AnchoredTime(TimeStatus.Bounded, lo + ((hi - lo) / 2), lo, hi);
    }
}
