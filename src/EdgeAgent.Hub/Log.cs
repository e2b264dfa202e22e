using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub;

/// <summary>The hub's log catalog: one method per event, stable ids (1xxx broker, 2xxx ingestion, 3xxx store).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port}")]
    public static partial void BrokerStarted(ILogger logger, string address, int port);

    [LoggerMessage(1001, LogLevel.Information, "Embedded MQTT broker stopped")]
    public static partial void BrokerStopped(ILogger logger);

    [LoggerMessage(1002, LogLevel.Warning, "Embedded MQTT broker: the queue of session '{ClientId}' is full; a message on {Topic} to it was dropped")]
    public static partial void RoutedMessageDropped(ILogger logger, string clientId, string topic);

    [LoggerMessage(1003, LogLevel.Warning, "Embedded MQTT broker: session '{ClientId}' holds {QueuedBytes} bytes of device batches, its budget is {BudgetBytes}: batches for it are refused (QuotaExceeded) until it catches up; their devices keep them and send again")]
    public static partial void SessionQueueFull(ILogger logger, string clientId, long queuedBytes, long budgetBytes);

    [LoggerMessage(1004, LogLevel.Information, "Embedded MQTT broker: session '{ClientId}' takes device batches again after {Refused} refused")]
    public static partial void SessionQueueAccepting(ILogger logger, string clientId, long refused);

    [LoggerMessage(2000, LogLevel.Information, "Ingestion connected to {Broker} (session present: {SessionPresent}) and subscribed to {Events} and {Clock}")]
    public static partial void IngestionConnected(ILogger logger, Uri broker, bool sessionPresent, string events, string clock);

    [LoggerMessage(2001, LogLevel.Warning, "Ingestion cannot reach {Broker}; retrying in {DelayMs} ms")]
    public static partial void IngestionConnectFailed(ILogger logger, Uri broker, long delayMs, Exception exception);

    [LoggerMessage(2002, LogLevel.Warning, "Device {Device}: input flagged {Reason}: {Detail} (logged once per streak; every one is counted and kept)")]
    public static partial void BatchFlagged(ILogger logger, string device, string reason, string detail);

    [LoggerMessage(2003, LogLevel.Error, "Ingestion writer failed on a group of {Count} batch(es); nothing of it was stored or acknowledged, retrying in {DelayMs} ms")]
    public static partial void WriterFailed(ILogger logger, int count, long delayMs, Exception exception);

    [LoggerMessage(2004, LogLevel.Warning, "Publishing to {Topic} failed; the device will send again after its acknowledgement timeout")]
    public static partial void PublishFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Clock-sync request on {Topic} is not a valid request; ignored")]
    public static partial void BadClockRequest(ILogger logger, string topic);

    [LoggerMessage(2006, LogLevel.Debug, "Stored a group of {Batches} batch(es) for {Devices} device(s)")]
    public static partial void GroupStored(ILogger logger, int batches, int devices);

    [LoggerMessage(2007, LogLevel.Warning, "Ingestion lost its connection to {Broker}: {Reason}")]
    public static partial void IngestionDisconnected(ILogger logger, Uri broker, string reason);

    [LoggerMessage(2008, LogLevel.Information, "Ingestion writer lost a race with another worker on a group of {Count} batch(es) (SQLSTATE {SqlState}); nothing of it was kept, running it again")]
    public static partial void WriterConflict(ILogger logger, int count, string sqlState);

    [LoggerMessage(2009, LogLevel.Critical, "Ingestion worker lost its PostgreSQL connection on a group of {Count} batch(es); nothing of it was acknowledged; stopping (the service manager restarts the worker)")]
    public static partial void WorkerStoreLost(ILogger logger, int count, Exception exception);
}
