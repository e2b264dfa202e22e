using EdgeAgent.Core.Controls;
using EdgeAgent.Core.Indicators;
using EdgeAgent.Core.Updates;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// The product's status LED and button. The LED shows the agent's state with the patterns of
/// <see cref="LedPattern"/> (fault, updating, connected, booting, offline; table in the README), chosen by
/// <see cref="LedRule"/> from the facts every <see cref="LedPlayer.TickInterval"/>. A long press of the button does what
/// the profile's <c>action</c> says: <c>commission</c> writes <c>deployment.commissioned</c> at <c>Agent:Site</c>;
/// <c>consent</c> is taken before the agent starts (<see cref="ConsentByButton"/>), so a long press while it runs only
/// says that consent was given. The companion's LED, when there is one (<see cref="CompanionService"/>), shows the same
/// state. Does nothing without a product, or without controls and a companion.
/// </summary>
internal sealed class FieldControls(
    HardwareSetup setup, HardwareService hardware, CompanionService companion, AgentRuntime runtime, OutboxPublisher publisher, Updates.UpdateService updates, TimeProvider time, ILogger<FieldControls> logger)
    : BackgroundService
{
    private ControlRig? _rig;

    /// <summary>The LED's state now (for the status file and tests).</summary>
    public LedState? State { get; private set; }

    /// <summary>The controls on the GPIO; null before the start or without controls.</summary>
    public ControlRig? Rig => _rig;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (setup is not { Product: { } product, Board: { } board } || (product.Controls is null && companion.Connection is null))
        {
            return;
        }

        var controls = product.Controls ?? new ProductControls();
        _rig = ControlRig.Open(product, board, time, setup.Rig.Replay);
        foreach (var problem in _rig.Problems)
        {
            Log.ControlUnavailable(logger, problem);
        }

        var player = new LedPlayer(time);
        var press = controls.Button is { } button ? new LongPressDetector(TimeSpan.FromMilliseconds(button.LongPressMs), time) : null;
        using var timer = new PeriodicTimer(LedPlayer.TickInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (_rig.Led is not null || companion.Connection is not null)
                {
                    State = LedRule.Choose(Facts());
                    companion.ShowStatus(State.Value);
                }

                if (_rig.Led is { } led)
                {
                    player.Show(State!.Value);
                    if (player.Poll() is { Changed: true } level)
                    {
                        led.Set(level.On);
                    }
                }

                if (_rig.Button is { } pressed && press is not null && press.Observe(pressed.IsPressed(), time.GetTimestamp()))
                {
                    await LongPressAsync(controls.Button!.Action, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (IOException e)
            {
                Log.ControlUnavailable(logger, e.Message);
            }
        }
    }

    public override void Dispose()
    {
        _rig?.Dispose();
        base.Dispose();
    }

    private LedFacts Facts()
    {
        var status = publisher.Status;
        var update = updates.Coordinator.Journal.State;
        return new LedFacts(
            FaultActive: hardware.Faults?.AnyActive() ?? false,
            Updating: update is not (UpdateState.Idle or UpdateState.Committed or UpdateState.Failed),
            Starting: !status.Connected && status.Reconnects == 0 && status.LastError is null,
            Connected: status.Connected);
    }

    private async Task LongPressAsync(string action, CancellationToken cancellationToken) =>
        Log.LongPress(logger, action, await DoLongPressAsync(action, runtime, logger, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// What a long press does, by the profile's action, for the board's button and the companion's alike:
    /// <c>commission</c> writes <c>deployment.commissioned</c>; <c>consent</c> was taken before the start
    /// (<see cref="ConsentByButton"/>), so there is nothing left to do. Returns what it did, for the log.
    /// </summary>
    internal static async Task<string> DoLongPressAsync(string action, AgentRuntime runtime, ILogger logger, CancellationToken cancellationToken) => action switch
    {
        "commission" => await runtime.CommissionAsync("button", logger, cancellationToken).ConfigureAwait(false),
        "consent" => $"the owner's consent was given ({runtime.Identity.DeviceId} records); nothing to do",
        _ => "the profile gives the button no action",
    };
}
