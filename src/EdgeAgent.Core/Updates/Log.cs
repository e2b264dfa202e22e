using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Updates;

/// <summary>Log catalog of the update coordinator (event ids 6100-6199).</summary>
internal static partial class Log
{
    [LoggerMessage(6100, LogLevel.Information, "Model update {Campaign}: {Name} {Version} {From} -> {To}{Why}")]
    public static partial void Transition(ILogger logger, string campaign, string name, string version, string from, string to, string why);

    [LoggerMessage(6101, LogLevel.Information, "Model directive {Campaign}/{Action} was acted on before; ignored")]
    public static partial void DirectiveSeen(ILogger logger, string campaign, string action);

    [LoggerMessage(6102, LogLevel.Information, "Model update resumed in state {State} ({Name} {Version}, start {Boots} inside activation/probation)")]
    public static partial void Resumed(ILogger logger, string state, string name, string version, int boots);

    [LoggerMessage(6103, LogLevel.Information, "Rollback directive {Campaign} does not concern this device's update (state {State}, campaign {Current}); nothing to roll back")]
    public static partial void RollbackNotConcerned(ILogger logger, string campaign, string state, string current);

    [LoggerMessage(6104, LogLevel.Debug, "Model directive {Campaign}/{Action} waits until the update in progress ends")]
    public static partial void DirectiveDeferred(ILogger logger, string campaign, string action);

    [LoggerMessage(6105, LogLevel.Warning, "Could not remove release file {Path}")]
    public static partial void CleanupFailed(ILogger logger, string path, Exception exception);
}
