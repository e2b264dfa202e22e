using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeAgent.Device.Systemd;

/// <summary>
/// Runs the agent as a <c>Type=notify</c> systemd service when systemd asked for notifications (<c>NOTIFY_SOCKET</c>
/// is set): <see cref="SystemdLifetime"/> sends READY=1 once the host started (runtime open, outbox open, every
/// component started) and STOPPING=1 when the stop begins; <see cref="SystemdWatchdog"/> sends the watchdog pings and
/// the STATUS line. Without <c>NOTIFY_SOCKET</c> (a shell, a test) nothing changes.
/// </summary>
internal static class ServiceManager
{
    public const string NotifySocketVariable = "NOTIFY_SOCKET";

    /// <summary>True when this process was asked for sd_notify(3) messages.</summary>
    public static bool Notifying => Environment.GetEnvironmentVariable(NotifySocketVariable) is { Length: > 0 };

    public static void Add(IServiceCollection services)
    {
        // Under systemd proper (the parent is systemd) this also sets the journald log format (priority prefixes).
        services.AddSystemd();
        if (!Notifying)
        {
            return;
        }

        // sd_notify(3) needs only NOTIFY_SOCKET; AddSystemd also asks that the parent process be systemd, which is not
        // so under a supervisor that passes the socket on (systemd-run --pty, a test).
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        services.AddSingleton(_ => WatchdogSettings.FromEnvironment());
        services.AddHostedService<SystemdWatchdog>();
    }

    /// <summary>
    /// While the start waits on purpose (the owner's consent by button), systemd is told so and given more time, a
    /// bounded extension at a time (<c>EXTEND_TIMEOUT_USEC</c>), so TimeoutStartSec does not kill a unit that is
    /// waiting and a start that hangs is still killed; the waiting loop pings the watchdog too (it is the loop that
    /// runs, and it is alive). Called more often than <paramref name="more"/> and the watchdog timeout.
    /// </summary>
    public static void Waiting(ISystemdNotifier? notifier, string status, TimeSpan more)
    {
        if (notifier is not { IsEnabled: true })
        {
            return;
        }

        notifier.Notify(new ServiceState("STATUS=" + status));
        notifier.Notify(new ServiceState(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"EXTEND_TIMEOUT_USEC={(long)more.TotalMicroseconds}")));
        notifier.Notify(new ServiceState("WATCHDOG=1"));
    }
}
