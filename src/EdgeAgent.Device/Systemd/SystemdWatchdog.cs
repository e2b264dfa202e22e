using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Systemd;

/// <summary>
/// The agent's side of <c>WatchdogSec</c>: every <see cref="WatchdogSettings.Tick"/> (half the watchdog timeout) it
/// sends <c>WATCHDOG=1</c>, but only while <see cref="Liveness"/> says every main loop ticked recently; a wedged agent
/// stops pinging and systemd kills and restarts it. It also keeps the unit's <c>STATUS=</c> line (shown by
/// <c>systemctl status edgeagent</c>) current from the status the agent last took. READY=1 and STOPPING=1 come from
/// the host's <see cref="SystemdLifetime"/>.
/// </summary>
internal sealed class SystemdWatchdog(
    ISystemdNotifier notifier, Liveness liveness, Runtime.AgentStatusFeed status, WatchdogSettings settings, TimeProvider time, ILogger<SystemdWatchdog> logger)
    : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    private string? _sentStatus;
    private string? _withheld;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Timeout is { } timeout)
        {
            Log.WatchdogEnabled(logger, settings.Tick, timeout);
        }

        using var timer = new PeriodicTimer(settings.Tick, time);
        do
        {
            try
            {
                Tick();
            }
            catch (SocketException e)
            {
                Log.NotifyFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void Tick()
    {
        string line;
        if (liveness.Stale() is { } silence)
        {
            if (_withheld != silence.Loop)
            {
                Log.PingsWithheld(logger, silence.ToString());
            }

            _withheld = silence.Loop;
            line = $"unhealthy: {silence}; watchdog pings withheld";
        }
        else
        {
            if (_withheld is not null)
            {
                Log.PingsResumed(logger);
                _withheld = null;
            }

            if (settings.Timeout is not null)
            {
                notifier.Notify(Ping);
            }

            line = status.Latest is { } latest ? Runtime.AgentStatusFeed.Line(latest) : "running";
        }

        if (line != _sentStatus)
        {
            notifier.Notify(new ServiceState("STATUS=" + line));
            _sentStatus = line;
        }
    }
}
