using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Updates.Download;

/// <summary>The downloader's log catalog (event ids 4300-4319).</summary>
internal static partial class Log
{
    [LoggerMessage(4300, LogLevel.Information, "Downloading {Url}: {Have} of {Total} bytes already on disk")]
    public static partial void Starting(ILogger logger, Uri url, long have, long total);

    [LoggerMessage(4301, LogLevel.Warning, "Download of {Url} dropped at {Have} of {Total} bytes (attempt {Attempt} without progress of {Attempts}); resuming in {Delay}: {Reason}")]
    public static partial void Dropped(ILogger logger, Uri url, long have, long total, int attempt, int attempts, TimeSpan delay, string reason);

    [LoggerMessage(4302, LogLevel.Information, "Downloaded {Url}: {Total} bytes in {Requests} request(s)")]
    public static partial void Completed(ILogger logger, Uri url, long total, int requests);

    [LoggerMessage(4303, LogLevel.Warning, "The server ignored the range request for {Url}; starting again from byte 0")]
    public static partial void RangeIgnored(ILogger logger, Uri url);
}
