using Microsoft.Extensions.Logging;

namespace EdgeAgent.Media.Microphone;

/// <summary>Log catalog of the ALSA microphone (event ids 8520-8539).</summary>
internal static partial class Log
{
    [LoggerMessage(8520, LogLevel.Information, "Microphone {Device}: capturing 16 kHz mono S16_LE in {WindowMs} ms clips")]
    public static partial void Opened(ILogger logger, string device, double windowMs);

    [LoggerMessage(8521, LogLevel.Warning, "Microphone {Device}: {Problem}; recovered, some audio was lost ({Count} so far)")]
    public static partial void Recovered(ILogger logger, string device, string problem, long count);

    [LoggerMessage(8522, LogLevel.Information, "Microphone {Device}: closed after {Clips} clip(s)")]
    public static partial void Closed(ILogger logger, string device, long clips);
}
