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
}
