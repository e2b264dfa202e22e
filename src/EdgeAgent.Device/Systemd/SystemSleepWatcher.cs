using System.Net.Sockets;
using System.Threading.Channels;
using EdgeAgent.Hardware.Companion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Tmds.DBus.Protocol;

namespace EdgeAgent.Device.Systemd;

/// <summary>
/// Tells the companion microcontroller when the board really suspends, so it counts standby seconds (credited to usage
/// on its next counters report) and can wake the board. systemd-logind announces a suspend with the
/// <c>PrepareForSleep(true)</c> signal but waits for nobody unless asked: this holds a <em>delay</em> inhibitor lock
/// (<c>Inhibit("sleep", ..., "delay")</c>, a file descriptor), so on the signal it sends the companion
/// <see cref="CompanionLink.SleepingAsync"/>, waits for the acknowledgement (at most <see cref="AcknowledgementBound"/>,
/// well inside logind's InhibitDelayMaxSec, 5 s by default), then closes the descriptor and the suspend proceeds. On
/// <c>PrepareForSleep(false)</c> (resumed) it sends <see cref="CompanionLink.Awake"/> and takes a new inhibitor.
/// <para>Never a reason to stop the agent: without a system bus or logind (a container, CI) it logs once at information
/// level and does nothing; without an open companion link it does nothing. A bus that fails after it worked (the bus or
/// logind restarted) is connected again after <see cref="ReconnectDelay"/>.</para>
/// </summary>
internal sealed class SystemSleepWatcher(
    string? busAddress, Func<CompanionLink?> companion, TimeProvider time, ILogger<SystemSleepWatcher> logger) : BackgroundService
{
    public const string Logind = "org.freedesktop.login1";
    public const string ManagerPath = "/org/freedesktop/login1";
    public const string ManagerInterface = "org.freedesktop.login1.Manager";

    /// <summary>The longest the suspend is held for the companion's acknowledgement (a resend takes 200 ms).</summary>
    public static readonly TimeSpan AcknowledgementBound = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(30);

    private bool _worked;

    /// <summary>The system bus as sd_bus_open_system(3) finds it: <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else the standard socket.</summary>
    public static string? SystemBusAddress => DBusAddress.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (companion() is not { } link)
        {
            return; // no companion to tell
        }

        if (busAddress is not { Length: > 0 } address)
        {
            Log.SleepNotWatched(logger, "no system bus address");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WatchAsync(address, link, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsBusFault(e))
            {
                if (!_worked)
                {
                    Log.SleepNotWatched(logger, $"{address}: {e.Message}");
                    return;
                }

                Log.SleepBusFailed(logger, ReconnectDelay, e);
            }

            try
            {
                await Task.Delay(ReconnectDelay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static bool IsBusFault(Exception e) =>
        e is DBusExceptionBase or SocketException or IOException or ObjectDisposedException or InvalidOperationException;

    /// <summary>One connection's life: subscribe, take the inhibitor, follow the signals until the connection ends.</summary>
    private async Task WatchAsync(string address, CompanionLink link, CancellationToken cancellationToken)
    {
        using var connection = new DBusConnection(address);
        await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);

        var signals = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = await connection.WatchSignalAsync(
            Logind, ManagerPath, ManagerInterface, "PrepareForSleep",
            static (Message message, object? _) => message.GetBodyReader().ReadBool(),
            notification =>
            {
                if (notification.IsCompletion)
                {
                    signals.Writer.TryComplete();
                }
                else if (notification.HasValue)
                {
                    signals.Writer.TryWrite(notification.Value);
                }
            },
            ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnConnectionFailed, false, null).ConfigureAwait(false);

        // Subscribed first, so a suspend that starts while the lock is being taken is not missed.
        var inhibitor = await InhibitAsync(connection).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_worked)
        {
            Log.SleepWatched(logger);
        }

        _worked = true;
        try
        {
            await foreach (var sleeping in signals.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (sleeping)
                {
                    var acknowledged = await link.SleepingAsync(null, AcknowledgementBound, cancellationToken).ConfigureAwait(false);
                    inhibitor?.Dispose();
                    inhibitor = null;
                    Log.Suspending(logger, acknowledged ? "acknowledged the sleep" : $"did not acknowledge the sleep within {AcknowledgementBound.TotalSeconds:0} s");
                }
                else
                {
                    link.Awake();
                    inhibitor?.Dispose();
                    inhibitor = await InhibitAsync(connection).WaitAsync(cancellationToken).ConfigureAwait(false);
                    Log.Resumed(logger);
                }
            }
        }
        finally
        {
            inhibitor?.Dispose();
        }

        throw new IOException("the system bus connection closed");
    }

    /// <summary>logind's Inhibit(what, who, why, mode): a descriptor that holds the lock until it is closed.</summary>
    private static Task<SafeFileHandle> InhibitAsync(DBusConnection connection)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Logind, ManagerPath, ManagerInterface, "Inhibit", "ssss", MessageFlags.None);
        writer.WriteString("sleep");
        writer.WriteString("edgeagent");
        writer.WriteString("tell the companion microcontroller the board sleeps");
        writer.WriteString("delay");
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message message, object? _) => message.GetBodyReader().ReadHandle<SafeFileHandle>(), null);
    }
}
