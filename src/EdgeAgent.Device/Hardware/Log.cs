using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Hardware;

/// <summary>The hardware layer's log catalog in the agent (event ids 4100-4149).</summary>
internal static partial class Log
{
    [LoggerMessage(4100, LogLevel.Information, "Hardware: product {Product} on board {Board}{Replay}: {Sensors} sensor(s) open, {Failed} could not be opened; sampling every {Tick}, mode {Mode}")]
    public static partial void HardwareStarted(ILogger logger, string product, string board, string replay, int sensors, int failed, TimeSpan tick, string mode);

    [LoggerMessage(4101, LogLevel.Warning, "Sensor {Sensor} ({Chip}) is not available: {Reason}; written down as fault {Code}")]
    public static partial void SensorUnavailable(ILogger logger, string sensor, string chip, string reason, string code);

    [LoggerMessage(4102, LogLevel.Information, "Hardware record {Type}: {Data}")]
    public static partial void HardwareRecord(ILogger logger, string type, string data);

    [LoggerMessage(4103, LogLevel.Warning, "Hardware monitoring step failed; trying again in {Delay}")]
    public static partial void StepFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(4104, LogLevel.Information, "Long press on the button ({Action}): {Outcome}")]
    public static partial void LongPress(ILogger logger, string action, string outcome);

    [LoggerMessage(4105, LogLevel.Warning, "Field control not available: {Problem}")]
    public static partial void ControlUnavailable(ILogger logger, string problem);

    [LoggerMessage(4106, LogLevel.Error, "Replay stopped: {Problem}; the sensors are no longer sampled")]
    public static partial void ReplayStopped(ILogger logger, string problem);

    [LoggerMessage(4107, LogLevel.Information, "Companion: link open on {Port} at {Baud} baud; its button events are recorded, a long press does: {Action}")]
    public static partial void CompanionOpened(ILogger logger, string port, int baud, string action);

    [LoggerMessage(4108, LogLevel.Warning, "Companion not available: {Problem}; the agent runs without it (no companion sources, buttons or standby seconds)")]
    public static partial void CompanionUnavailable(ILogger logger, string problem);

    [LoggerMessage(4109, LogLevel.Warning, "Companion button {Button}: the event could not be written down")]
    public static partial void CompanionEventFailed(ILogger logger, int button, Exception exception);

    [LoggerMessage(4110, LogLevel.Information, "Companion: link on {Port} closed after {Received} frame(s) received; {Standby} s of standby credited, {Restarts} firmware restart(s) seen")]
    public static partial void CompanionClosed(ILogger logger, string port, int received, long standby, int restarts);
}
