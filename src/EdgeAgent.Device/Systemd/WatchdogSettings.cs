using System.Globalization;

namespace EdgeAgent.Device.Systemd;

/// <summary>
/// What systemd asked for: <c>WATCHDOG_USEC</c> (the unit's <c>WatchdogSec</c>) for this process (<c>WATCHDOG_PID</c>
/// unset or ours), as sd_watchdog_enabled(3) reads them. The agent pings at half the timeout, as sd_notify(3) advises.
/// </summary>
internal sealed record WatchdogSettings(TimeSpan? Timeout)
{
    /// <summary>How often the STATUS line is refreshed when there is no watchdog to ping.</summary>
    public static readonly TimeSpan StatusOnlyInterval = TimeSpan.FromSeconds(10);

    public TimeSpan? PingInterval => Timeout / 2;

    /// <summary>The tick of the watchdog service: the ping interval, or the status refresh without a watchdog.</summary>
    public TimeSpan Tick => PingInterval ?? StatusOnlyInterval;

    public static WatchdogSettings FromEnvironment() =>
        Parse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);

    public static WatchdogSettings Parse(string? usec, string? pid, int processId)
    {
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros <= 0)
        {
            return new WatchdogSettings((TimeSpan?)null);
        }

        if (pid is { Length: > 0 } && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || owner != processId))
        {
            return new WatchdogSettings((TimeSpan?)null); // meant for another process (a parent that started us)
        }

        return new WatchdogSettings(TimeSpan.FromMicroseconds(micros));
    }
}
