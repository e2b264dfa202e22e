using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>The rollout campaigns' log catalog (event ids 7xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(7000, LogLevel.Information, "Campaign {Campaign} ({Name} {Version}): {From} -> {To}: {Reason}")]
    public static partial void CampaignStateChanged(ILogger logger, string campaign, string name, string version, string from, string to, string reason);

    [LoggerMessage(7001, LogLevel.Information, "Campaign {Campaign}: {Reason}")]
    public static partial void WaveDirected(ILogger logger, string campaign, string reason);

    [LoggerMessage(7002, LogLevel.Debug, "Campaign {Campaign}: device {Device} reports {State} ({Reason})")]
    public static partial void DeviceReported(ILogger logger, string campaign, string device, string state, string reason);

    [LoggerMessage(7003, LogLevel.Warning, "Campaign {Campaign}: publishing the {Action} directive to {Topic} failed; it is published again at the next step")]
    public static partial void DirectivePublishFailed(ILogger logger, string campaign, string action, string topic, Exception exception);

    [LoggerMessage(7004, LogLevel.Error, "The rollout engine's step failed; retrying in {DelayMs} ms")]
    public static partial void StepFailed(ILogger logger, long delayMs, Exception exception);

    [LoggerMessage(7005, LogLevel.Information, "Rollout engine started (every {IntervalMs} ms, release URLs under {PublicUrl}); {Count} directive(s) of unfinished campaigns will be published again")]
    public static partial void EngineStarted(ILogger logger, long intervalMs, string publicUrl, int count);

    [LoggerMessage(7006, LogLevel.Debug, "Campaign {Campaign}: published the {Action} directive to {Topic}")]
    public static partial void DirectivePublished(ILogger logger, string campaign, string action, string topic);
}
