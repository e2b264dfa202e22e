using Microsoft.Extensions.Logging;

namespace EdgeAgent.Media.Camera;

/// <summary>Log catalog of the V4L2 camera (event ids 8500-8519).</summary>
internal static partial class Log
{
    [LoggerMessage(8500, LogLevel.Information, "Camera {Device} ({Card}): streaming {Width}x{Height} {Format}")]
    public static partial void Streaming(ILogger logger, string device, string card, uint width, uint height, string format);

    [LoggerMessage(8501, LogLevel.Warning, "Camera {Device}: asked for {Width}x{Height}, the driver chose {ActualWidth}x{ActualHeight}")]
    public static partial void SizeAdjusted(ILogger logger, string device, int width, int height, uint actualWidth, uint actualHeight);

    [LoggerMessage(8502, LogLevel.Warning, "Camera {Device}: dropped a damaged frame ({Why}); {Count} so far")]
    public static partial void FrameDropped(ILogger logger, string device, string why, long count);

    [LoggerMessage(8503, LogLevel.Information, "Camera {Device}: stopped after {Frames} frame(s)")]
    public static partial void Stopped(ILogger logger, string device, long frames);
}
