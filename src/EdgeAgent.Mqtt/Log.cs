using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt;

/// <summary>The publisher's log catalog; event ids 5000-5099 are stable.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "MQTT connected to {Broker} as {ClientId} (session present: {SessionPresent}); sending again from seq {Cursor}")]
    public static partial void Connected(ILogger logger, string broker, string clientId, bool sessionPresent, long cursor);

    [LoggerMessage(5001, LogLevel.Warning, "MQTT connection to {Broker} failed: {Reason}; retrying with backoff (further failures in this streak are logged at Debug)")]
    public static partial void ConnectFailed(ILogger logger, string broker, string reason);

    [LoggerMessage(5002, LogLevel.Debug, "MQTT connection to {Broker} failed again (attempt {Attempt}): {Reason}")]
    public static partial void ConnectFailedAgain(ILogger logger, string broker, int attempt, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "MQTT session with {Broker} ended: {Reason}; reconnecting")]
    public static partial void SessionLost(ILogger logger, string broker, string reason);

    [LoggerMessage(5004, LogLevel.Debug, "Published batch seq {FirstSeq}..{LastSeq} ({Entries} entries, {Bytes} bytes)")]
    public static partial void BatchPublished(ILogger logger, long firstSeq, long lastSeq, int entries, int bytes);

    [LoggerMessage(5005, LogLevel.Debug, "Hub acknowledged up to seq {AckedSeq}")]
    public static partial void Acknowledged(ILogger logger, long ackedSeq);

    [LoggerMessage(5006, LogLevel.Warning, "Hub reported a gap after seq {AckedSeq} while seq {Cursor} was sent; sending again from seq {Next}")]
    public static partial void GapRewind(ILogger logger, long ackedSeq, long cursor, long next);

    [LoggerMessage(5007, LogLevel.Warning, "No acknowledgement progress for {Timeout} with seq {AckedSeq}..{Cursor} in flight; sending again from seq {Next}")]
    public static partial void AckTimeout(ILogger logger, TimeSpan timeout, long ackedSeq, long cursor, long next);

    [LoggerMessage(5008, LogLevel.Warning, "Ignored an acknowledgement that is not one ({Problem}); further ones are counted and logged at Debug")]
    public static partial void MalformedAck(ILogger logger, string problem);

    [LoggerMessage(5009, LogLevel.Warning, "Ignored an acknowledgement for device {OtherDevice} on this device's topic; further ones are counted and logged at Debug")]
    public static partial void ForeignAck(ILogger logger, string otherDevice);

    [LoggerMessage(5010, LogLevel.Debug, "Ignored acknowledgement #{Count}: {Problem}")]
    public static partial void AckIgnoredAgain(ILogger logger, long count, string problem);

    [LoggerMessage(5011, LogLevel.Information, "Clock synced with the hub: boot {Boot}, offset {OffsetMs} ms ± {ErrorMs} ms")]
    public static partial void ClockSynced(ILogger logger, long boot, long offsetMs, long errorMs);

    [LoggerMessage(5012, LogLevel.Debug, "Ignored a clock-sync reply that answers no pending request")]
    public static partial void ClockReplyIgnored(ILogger logger);

    [LoggerMessage(5013, LogLevel.Warning, "Hub acknowledged seq {AckedSeq} but only seq {HighestSent} was sent; acknowledging up to {HighestSent}")]
    public static partial void AckAboveSent(ILogger logger, long ackedSeq, long highestSent);

    [LoggerMessage(5014, LogLevel.Information, "MQTT publisher stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(5015, LogLevel.Warning, "Stopping with records unacknowledged: the hub acknowledged up to seq {AckedSeq} of {Head} within {Timeout}; the rest goes at the next start")]
    public static partial void DrainIncomplete(ILogger logger, long ackedSeq, long head, TimeSpan timeout);

    [LoggerMessage(5016, LogLevel.Warning, "Ignored a model directive that is not one: {Problem}")]
    public static partial void DirectiveIgnored(ILogger logger, string problem);

    [LoggerMessage(5017, LogLevel.Information, "Model directive received: campaign {Campaign}, {Action} {Name} {Version}")]
    public static partial void DirectiveReceived(ILogger logger, string campaign, string action, string name, string version);

    [LoggerMessage(EventId = 5018, Message = "The broker refused batch seq {FirstSeq}..{LastSeq} as over quota (the hub's queue is full; refusal {Refusals} in a row): offering it again in {Pause}")]
    private static partial void BatchRefusedAt(ILogger logger, LogLevel level, long firstSeq, long lastSeq, int refusals, TimeSpan pause);

    /// <summary>The first refusal of a streak at Information, the rest at Debug: a busy hub refuses a fleet many times a second.</summary>
    public static void BatchRefused(ILogger logger, long firstSeq, long lastSeq, int refusals, TimeSpan pause) =>
        BatchRefusedAt(logger, refusals <= 1 ? LogLevel.Information : LogLevel.Debug, firstSeq, lastSeq, refusals, pause);
}
