using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Ledger;

/// <summary>Log catalog of the device ledger (event ids 5000-5099).</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Ledger of {DeviceId} opened: boot {Boot}, head seq {Head}, acknowledged up to {Acknowledged}, activated at {ActivationSeq}")]
    public static partial void Opened(ILogger logger, string deviceId, long boot, long head, long acknowledged, long? activationSeq);

    [LoggerMessage(5001, LogLevel.Warning, "Ledger: append of seq {Seq} ({Type}) failed; the next append reloads the head from the outbox")]
    public static partial void AppendFailed(ILogger logger, long seq, string type, Exception exception);

    [LoggerMessage(5002, LogLevel.Information, "Ledger: head reloaded from the outbox at seq {Seq} after a failed append")]
    public static partial void Resynced(ILogger logger, long seq);

    [LoggerMessage(5006, LogLevel.Debug, "Ledger: a {Type} record queued behind a failed append is linked again to the reloaded head ({Reason})")]
    public static partial void Relinking(ILogger logger, string type, string reason);

    [LoggerMessage(5003, LogLevel.Information, "Ledger: device activated at seq {Seq}")]
    public static partial void Activated(ILogger logger, long seq);

    [LoggerMessage(5004, LogLevel.Information, "Ledger: clock anchored by the hub, offset {OffsetMs} ms ± {ErrorMs} ms")]
    public static partial void ClockAnchored(ILogger logger, long offsetMs, long errorMs);

    [LoggerMessage(5005, LogLevel.Information, "Ledger: wrote down {Count} dropped telemetry record(s), seq {FirstSeq}..{LastSeq}, at seq {Seq}")]
    public static partial void DropsReported(ILogger logger, long count, long firstSeq, long lastSeq, long seq);
}
