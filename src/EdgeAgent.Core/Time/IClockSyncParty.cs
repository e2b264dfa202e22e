namespace EdgeAgent.Core.Time;

/// <summary>
/// The device's side of the clock-sync exchange, as the publisher sees it: what to put in the request, and where a
/// completed exchange goes (the device clock is anchored and a <c>clock.sync</c> evidence record written).
/// </summary>
public interface IClockSyncParty
{
    /// <summary>This start's boot counter.</summary>
    long Boot { get; }

    /// <summary>Milliseconds since this boot, monotonic.</summary>
    long MonoMs { get; }

    ValueTask RecordAsync(ClockSyncSample sample, CancellationToken cancellationToken);
}
