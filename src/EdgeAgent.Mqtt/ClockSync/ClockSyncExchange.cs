using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Time;

namespace EdgeAgent.Mqtt.ClockSync;

/// <summary>The device's half of one clock-sync exchange per connect (FORMAT.md, "Clock sync").</summary>
internal sealed class ClockSyncExchange
{
    private ClockSyncRequest? _pending;

    /// <summary>A request for this connect (t0 = <paramref name="monoMs"/>); an earlier unanswered one is forgotten.</summary>
    public ClockSyncRequest Begin(long boot, long monoMs)
    {
        _pending = new ClockSyncRequest { Boot = boot, MonoMs = monoMs };
        return _pending;
    }

    /// <summary>The completed sample when <paramref name="reply"/> answers the pending request, else null.</summary>
    public ClockSyncSample? Complete(ClockSyncReply reply, long receivedMonoMs)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (_pending is not { } p || reply.Boot != p.Boot || reply.MonoMs != p.MonoMs || receivedMonoMs < p.MonoMs)
        {
            return null;
        }

        _pending = null;
        return new ClockSyncSample(p.Boot, p.MonoMs, receivedMonoMs, reply.HubMs);
    }
}
