using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Systemd;

/// <summary>The systemd integration's log catalog (event ids 4400-4419).</summary>
internal static partial class Log
{
    [LoggerMessage(4400, LogLevel.Information, "systemd watchdog: pinging every {Interval} (WatchdogSec {Timeout})")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan interval, TimeSpan timeout);

    [LoggerMessage(4401, LogLevel.Error, "systemd watchdog: pings withheld, {Problem}; systemd restarts the agent unless it recovers")]
    public static partial void PingsWithheld(ILogger logger, string problem);

    [LoggerMessage(4402, LogLevel.Information, "systemd watchdog: the agent recovered; pings resumed")]
    public static partial void PingsResumed(ILogger logger);

    [LoggerMessage(4403, LogLevel.Warning, "systemd notification failed; trying again at the next tick")]
    public static partial void NotifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(4404, LogLevel.Information, "system sleep: not reported to the companion ({Reason}); the agent runs without it")]
    public static partial void SleepNotWatched(ILogger logger, string reason);

    [LoggerMessage(4405, LogLevel.Information, "system sleep: holding a logind delay inhibitor; the companion is told when the board suspends")]
    public static partial void SleepWatched(ILogger logger);

    [LoggerMessage(4406, LogLevel.Information, "system sleep: the board suspends; the companion {Outcome}; inhibitor released")]
    public static partial void Suspending(ILogger logger, string outcome);

    [LoggerMessage(4407, LogLevel.Information, "system sleep: the board resumed; the companion was told and a new inhibitor taken")]
    public static partial void Resumed(ILogger logger);

    [LoggerMessage(4408, LogLevel.Warning, "system sleep: the system bus connection failed; connecting again in {Delay}")]
    public static partial void SleepBusFailed(ILogger logger, TimeSpan delay, Exception exception);
}
