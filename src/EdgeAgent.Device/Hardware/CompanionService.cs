using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Indicators;
using EdgeAgent.Core.Usage;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Hardware.Companion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// The companion microcontroller in <c>edgeagent run</c>, when the product carries one (its <c>companion</c> section) and
/// the board has its port: the link is opened before the sensors (so the chip <c>companion</c> sensors read its IMU and
/// battery), its standby seconds are credited to the usage accountant as idle time, each button event is written as a
/// <c>button.pressed</c> record, a long press does the profile's <c>button_action</c> (as the board's button does),
/// and <see cref="ShowStatus"/> puts the status LED's state on the companion's LED. Not opened when a real board
/// replays a trace (see <see cref="Wanted"/>). A port that cannot be opened is logged and the agent runs without it.
/// </summary>
internal sealed class CompanionService(
    HardwareSetup setup, AgentRuntime runtime, UsageAccountant usage, TimeProvider time, ILoggerFactory loggers, ILogger<CompanionService> logger)
    : BackgroundService
{
    private LedState? _shown;

    /// <summary>The open connection; null without a companion, before the start, under replay or when the port failed.</summary>
    public CompanionConnection? Connection { get; private set; }

    /// <summary>Button events written as records so far.</summary>
    public int Recorded { get; private set; }

    /// <summary>
    /// Whether this run should have a companion: the product carries one and the board has its port; under replay only on
    /// the simulated board (a trace replaces the sensors, camera and microphone, not the simulated companion; on a real
    /// board a replay opens no hardware).
    /// </summary>
    public static bool Wanted(HardwareSetup setup) =>
        setup is { Product.Companion: not null, Board.Companion: not null } && (setup.Rig.Replay is null || setup.Board.Simulated);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Wanted(setup))
        {
            try
            {
                Connection = CompanionConnection.Open(setup.Board!, time, usage, loggers);
                Log.CompanionOpened(logger, Connection.Port, Connection.Baud, setup.Product!.Companion!.ButtonAction);
            }
            catch (IOException e)
            {
                Log.CompanionUnavailable(logger, e.Message);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shows <paramref name="state"/> on the companion's LED 0, sent only when it changes (a command is acknowledged, not free).</summary>
    public void ShowStatus(LedState state)
    {
        if (Connection is not { } connection || _shown == state)
        {
            return;
        }

        var (mode, red, green, blue) = LedOf(state);
        if (connection.Link.Led(0, mode, red, green, blue))
        {
            _shown = state;
        }
    }

    /// <summary>The companion LED's rendering of each status state: colour for what it is, blinking for what needs attention.</summary>
    internal static (CompanionLedMode Mode, byte Red, byte Green, byte Blue) LedOf(LedState state) => state switch
    {
        LedState.Fault => (CompanionLedMode.FastBlink, 255, 0, 0),
        LedState.Updating => (CompanionLedMode.FastBlink, 0, 0, 255),
        LedState.Connected => (CompanionLedMode.Solid, 0, 64, 0),
        LedState.OfflineBacklog => (CompanionLedMode.Blink, 255, 96, 0),
        _ => (CompanionLedMode.Blink, 96, 96, 96), // booting
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Connection is not { } connection)
        {
            return;
        }

        try
        {
            await foreach (var press in connection.Link.ButtonEvents.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RecordAsync(press, stoppingToken).ConfigureAwait(false);
                    if (press.LongPress)
                    {
                        await LongPressAsync(connection, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    Log.CompanionEventFailed(logger, press.Button, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Connection is { } connection)
        {
            Log.CompanionClosed(logger, connection.Port, connection.Link.Statistics.Received, connection.Link.Statistics.StandbySecondsCredited, connection.Link.Statistics.CompanionRestarts);
            Connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(CompanionButtonEvent press, CancellationToken cancellationToken)
    {
        await runtime.Ledger.AppendAsync(RecordTypes.ButtonPressed, DataOf(press), cancellationToken).ConfigureAwait(false);
        Recorded++;
    }

    /// <summary>The <c>button.pressed</c> data of a companion button event (FORMAT.md).</summary>
    internal static System.Text.Json.JsonElement DataOf(CompanionButtonEvent press) => RecordData.Of(j =>
    {
        j.WriteString("source", "companion");
        j.WriteNumber("button", press.Button);
        j.WriteString("press", press.LongPress ? "long" : "short");
        j.WriteNumber("held_ms", (long)press.Held.TotalMilliseconds);
        j.WriteNumber("companion_uptime_ms", (long)press.CompanionUptime.TotalMilliseconds);
    });

    private async Task LongPressAsync(CompanionConnection connection, CancellationToken cancellationToken)
    {
        var action = setup.Product!.Companion!.ButtonAction;
        Log.LongPress(logger, $"companion, {action}", await FieldControls.DoLongPressAsync(action, runtime, logger, cancellationToken).ConfigureAwait(false));
        if (action == "commission")
        {
            connection.Link.Haptics(CompanionHaptic.DoubleTick, 200);
        }
    }
}
