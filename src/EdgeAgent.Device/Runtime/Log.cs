using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Runtime;

/// <summary>The agent runtime's log catalog (event ids 4000-4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "Agent started: device {Device} of product {Product}, boot {Boot}, chain head seq {Head}, {Previous} previous shutdown")]
    public static partial void Started(ILogger logger, string device, string product, long boot, long head, string previous);

    [LoggerMessage(4001, LogLevel.Information, "Agent stopping: device {Device}, chain head seq {Head}")]
    public static partial void Stopping(ILogger logger, string device, long head);

    [LoggerMessage(4002, LogLevel.Information, "First activation of device {Device} written as seq {Seq}")]
    public static partial void Activated(ILogger logger, string device, long seq);

    [LoggerMessage(4003, LogLevel.Warning, "Usage reporting failed; trying again in {Delay}")]
    public static partial void UsageFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(4004, LogLevel.Information, "Pipeline {Model} on {Input}: model loaded, one frame every {Interval}")]
    public static partial void PipelineStarted(ILogger logger, string model, string input, TimeSpan interval);

    [LoggerMessage(4005, LogLevel.Warning, "Pipeline {Model} on {Input} failed: {Reason}; written down as fault {Code}")]
    public static partial void PipelineFault(ILogger logger, string model, string input, string code, string reason);

    [LoggerMessage(4006, LogLevel.Warning, "Writing the status file {Path} failed")]
    public static partial void StatusFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(4008, LogLevel.Information, "Telemetry dropped to stay within the outbox caps was written down as evidence (telemetry.dropped, seq {Seq})")]
    public static partial void DropsWritten(ILogger logger, long seq);

    [LoggerMessage(4009, LogLevel.Warning, "Outbox disk budget: {Change} with {Held} bytes held; written down as a storage fault record")]
    public static partial void BudgetChanged(ILogger logger, Core.Outbox.BudgetChange change, long held);

    [LoggerMessage(4010, LogLevel.Information, "Active models changed ({Reason}): {From} -> {To}; written down as model.changed")]
    public static partial void ModelsChanged(ILogger logger, string reason, string from, string to);

    [LoggerMessage(4011, LogLevel.Information, "Device {Device} commissioned at site {Site} (before: {Previous}); written down as deployment.commissioned")]
    public static partial void Commissioned(ILogger logger, string device, string site, string previous);

    [LoggerMessage(4012, LogLevel.Warning, "Model update run failed in state {State}; running it again in {Delay}")]
    public static partial void UpdateRunFailed(ILogger logger, string state, TimeSpan delay, Exception exception);

    [LoggerMessage(4013, LogLevel.Warning, "Installed release {Release} of {Model} cannot serve ({Reason}); its catalog pin serves instead")]
    public static partial void InstalledRefused(ILogger logger, string release, string model, string reason);

    [LoggerMessage(4014, LogLevel.Information, "Pipeline {Model} on live source {Source} ({Device}) started")]
    public static partial void LiveStarted(ILogger logger, string model, string source, string device);

    [LoggerMessage(4015, LogLevel.Warning, "Writing the last {Type} record at stop failed; the agent stops without it")]
    public static partial void StopRecordFailed(ILogger logger, string type, Exception exception);

    [LoggerMessage(4016, LogLevel.Warning, "Outbox disk: {Change} with {Held} bytes held; written down as a storage fault record")]
    public static partial void DiskChanged(ILogger logger, Core.Outbox.BudgetChange change, long held);

    [LoggerMessage(4017, LogLevel.Information, "Gave back the pages only the start touched: {Mb:F1} MB resident in {Mappings} read-only file mappings of the agent and its libraries asked to be reclaimed ({Refused} refused; pages other processes share stay); what still runs is read back on its next touch")]
    public static partial void StartupPagesReleased(ILogger logger, double mb, int mappings, int refused);

    [LoggerMessage(4018, LogLevel.Warning, "Releasing the startup pages failed (reading /proc/self/smaps); they stay resident")]
    public static partial void StartupPagesFailed(ILogger logger, Exception exception);
}
