using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hardware.Gnss;

/// <summary>Log catalog of the GNSS receiver (event ids 8400-8419).</summary>
internal static partial class Log
{
    [LoggerMessage(8400, LogLevel.Debug, "GNSS {Sensor}: dropped a sentence ({Why}): {Line}")]
    public static partial void Dropped(ILogger logger, string sensor, string why, string line);

    [LoggerMessage(8401, LogLevel.Warning, "GNSS {Sensor}: the stream ended; no more fixes until the receiver is opened again")]
    public static partial void Ended(ILogger logger, string sensor);

    [LoggerMessage(8402, LogLevel.Error, "GNSS {Sensor}: reading the stream failed; no more fixes until the receiver is opened again")]
    public static partial void Faulted(ILogger logger, string sensor, Exception exception);

    [LoggerMessage(8403, LogLevel.Debug, "GNSS {Sensor}: dropped a line longer than {Max} bytes (no line end: wrong baud rate?)")]
    public static partial void Overlong(ILogger logger, string sensor, int max);
}
