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
}
