using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hardware.Companion;

internal static partial class Log
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "companion: {Type} was not delivered (no acknowledgement after the last attempt, or refused)")]
    public static partial void Undelivered(ILogger logger, string type);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "companion: counters report lower than the last (it restarted): taking {StandbySeconds} s standby as new")]
    public static partial void CompanionRestarted(ILogger logger, uint standbySeconds);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "companion: the link's stream failed; no more readings")]
    public static partial void StreamFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "companion: credited {Seconds} s of standby the board slept through")]
    public static partial void StandbyCredited(ILogger logger, uint seconds);
}
