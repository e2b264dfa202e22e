using Microsoft.Extensions.Logging;

namespace EdgeAgent.Storage.Outbox;

/// <summary>Log catalog of the SQLite outbox (event ids 4000-4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information,
        "Opened outbox {Path} (schema {Schema}): {EvidenceRecords} evidence and {TelemetryRecords} telemetry record(s), {Bytes} byte(s), acknowledged up to {Acknowledged}, last appended {LastSeq}")]
    public static partial void Opened(ILogger logger, string path, int schema, long evidenceRecords, long telemetryRecords, long bytes, long acknowledged, long lastSeq);

    [LoggerMessage(4001, LogLevel.Information, "Outbox {Path}: migrated schema {From} -> {To}")]
    public static partial void Migrated(ILogger logger, string path, int from, int to);

    [LoggerMessage(4002, LogLevel.Warning,
        "Outbox {Path}: {Count} telemetry record(s) dropped and not yet written down, seq {FirstSeq}..{LastSeq}, {Bytes} byte(s)")]
    public static partial void TelemetryDropped(ILogger logger, string path, long count, long firstSeq, long lastSeq, long bytes);

    [LoggerMessage(4003, LogLevel.Warning,
        "Outbox {Path}: byte budget reached ({Bytes} of {MaxBytes}); refusing telemetry until records are acknowledged")]
    public static partial void TelemetryRefused(ILogger logger, string path, long bytes, long maxBytes);

    [LoggerMessage(4004, LogLevel.Warning,
        "Outbox {Path}: evidence holds {Bytes} byte(s), past the {MaxBytes}-byte budget, and no telemetry is left to drop; evidence is kept anyway")]
    public static partial void EvidenceOverBudget(ILogger logger, string path, long bytes, long maxBytes);

    [LoggerMessage(4005, LogLevel.Error, "Outbox {Path}: {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, string path, string operation, Exception exception);

    [LoggerMessage(4007, LogLevel.Information, "Outbox {Path}: boot {Boot} started at head seq {Head}, acknowledged up to {Acknowledged}")]
    public static partial void BootStarted(ILogger logger, string path, long boot, long head, long acknowledged);

    [LoggerMessage(4008, LogLevel.Warning,
        "Outbox {Path}: the disk has {Room} byte(s) left for the outbox, below twice the {Reserve}-byte reserve kept for evidence; telemetry is dropped oldest first, then (within the reserve) refused, until there is room again")]
    public static partial void DiskLow(ILogger logger, string path, long room, long reserve);

    [LoggerMessage(4009, LogLevel.Warning,
        "Outbox {Path}: SQLite found the disk full writing {Count} record(s) ({Message}); retrying with all telemetry dropped, and refusing telemetry until there is room again")]
    public static partial void DiskFull(ILogger logger, string path, int count, string message);

    [LoggerMessage(4010, LogLevel.Information, "Outbox {Path}: the disk has room again ({Room} byte(s) for the outbox); telemetry is taken again")]
    public static partial void DiskRoomBack(ILogger logger, string path, long room);

    [LoggerMessage(4006, LogLevel.Debug, "Outbox {Path}: closed after {Transactions} transaction(s)")]
    public static partial void Closed(ILogger logger, string path, long transactions);
}
