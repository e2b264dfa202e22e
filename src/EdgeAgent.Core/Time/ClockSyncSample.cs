namespace EdgeAgent.Core.Time;

/// <summary>
/// One completed clock-sync exchange with the hub (FORMAT.md, "Clock sync"): the device sent at <see cref="SentMonoMs"/>
/// (t0), the hub answered with its wall clock <see cref="HubMs"/>, the answer arrived at <see cref="ReceivedMonoMs"/> (t1).
/// </summary>
public sealed record ClockSyncSample(long Boot, long SentMonoMs, long ReceivedMonoMs, long HubMs)
{
    public long RoundTripMs => ReceivedMonoMs - SentMonoMs;

    /// <summary>Wall time = mono_ms + offset, for this boot.</summary>
    public long OffsetMs => HubMs - ((SentMonoMs + ReceivedMonoMs) / 2);

    /// <summary>The offset is good to ± half the round trip.</summary>
    public long ErrorMs => (RoundTripMs + 1) / 2;
}
