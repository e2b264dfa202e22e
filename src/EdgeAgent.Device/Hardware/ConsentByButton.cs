using EdgeAgent.Core.Controls;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Indicators;
using EdgeAgent.Hardware.Monitoring;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// A product whose button's action is <c>consent</c> takes the owner's consent on the device: an agent provisioned
/// without <c>--consent</c> waits at start, records nothing, and blinks the status LED's booting pattern until the button
/// is held for <c>long_press_ms</c>; then the consent flag is written to <c>identity.json</c> and the start goes on (its
/// first records include <c>consent.given</c>). A companion whose <c>button_action</c> is <c>consent</c> takes it the same
/// way: a long press of any of its buttons (the firmware's 1.5 s), answered with a double tick of its motor.
/// </summary>
internal static class ConsentByButton
{
    /// <summary>How often, while waiting, systemd is asked for more start time (twice this, each time).</summary>
    private static readonly TimeSpan StartExtension = TimeSpan.FromSeconds(15);

    /// <summary>True when this start has to wait for the owner's long press.</summary>
    public static bool Needed(HardwareSetup setup, string stateDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Product?.Controls?.Button is not { Action: "consent" } && !CompanionConsents(setup))
        {
            return false;
        }

        try
        {
            var (identity, key) = new IdentityStore(stateDirectory, time).Load();
            key.Dispose();
            return !identity.Consent;
        }
        catch (DeviceNotProvisionedException)
        {
            return false; // not provisioned at all: the start says how
        }
    }

    /// <summary>Waits for the long press, then writes the consent; false when <paramref name="cancellationToken"/> fired first.</summary>
    /// <param name="notifier">Under systemd: told that the start is waiting, and asked for more start time while it does.</param>
    public static async Task<bool> WaitAsync(
        HardwareSetup setup, string stateDirectory, TimeProvider time, TextWriter output, CancellationToken cancellationToken,
        Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier? notifier = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(output);
        var button = setup.Product!.Controls?.Button is { Action: "consent" } b ? b : null;
        using var rig = ControlRig.Open(setup.Product, setup.Board!, time, setup.Rig.Replay);
        await using var companion = CompanionConsents(setup) ? OpenCompanion(setup, time, output) : null;
        var pressed = button is not null ? rig.Button : null;
        if (pressed is null && companion is null)
        {
            throw new IOException($"the owner's consent is taken with the button, but it cannot be opened: {string.Join("; ", rig.Problems.DefaultIfEmpty("the companion's link cannot be opened"))}. Provision with --consent instead.");
        }

        var how = string.Join(" or ", new[]
        {
            pressed is not null ? $"hold the button (pin {button!.Pin}) for {button.LongPressMs / 1000.0:0.#} s" : null,
            companion is not null ? "hold a companion button for 1.5 s" : null,
        }.OfType<string>());
        await output.WriteLineAsync($"waiting for the owner's consent: {how}; nothing is recorded until then").ConfigureAwait(false);
        var press = new LongPressDetector(TimeSpan.FromMilliseconds(button?.LongPressMs ?? 3000), time);
        var player = new LedPlayer(time);
        player.Show(LedState.Booting);
        using var timer = new PeriodicTimer(LedPlayer.TickInterval, time);
        var waitingStatus = $"waiting for the owner's consent ({how}); nothing is recorded until then";
        var told = time.GetTimestamp();
        Systemd.ServiceManager.Waiting(notifier, waitingStatus, StartExtension * 2);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (time.GetElapsedTime(told) >= StartExtension)
                {
                    told = time.GetTimestamp();
                    Systemd.ServiceManager.Waiting(notifier, waitingStatus, StartExtension * 2);
                }

                if (rig.Led is { } led && player.Poll() is { Changed: true } level)
                {
                    led.Set(level.On);
                }

                var companionLongPress = false;
                while (companion is not null && companion.Link.ButtonEvents.TryRead(out var e))
                {
                    companionLongPress |= e.LongPress;
                }

                if ((pressed is not null && press.Observe(pressed.IsPressed(), time.GetTimestamp())) || companionLongPress)
                {
                    if (companionLongPress)
                    {
                        companion!.Link.Haptics(EdgeAgent.Hardware.Companion.CompanionHaptic.DoubleTick, 200);
                    }

                    var store = new IdentityStore(stateDirectory, time);
                    var (identity, key) = store.Load();
                    key.Dispose();
                    store.Provision(identity.DeviceId, identity.ProductId, consent: true);
                    await output.WriteLineAsync($"consent given by a long press: device {identity.DeviceId} starts recording").ConfigureAwait(false);
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return false;
    }

    private static bool CompanionConsents(HardwareSetup setup) =>
        setup.Product?.Companion is { ButtonAction: "consent" } && CompanionService.Wanted(setup);

    /// <summary>The companion's link for the wait, or null (said on the output) when its port cannot be opened.</summary>
    private static EdgeAgent.Hardware.Companion.CompanionConnection? OpenCompanion(HardwareSetup setup, TimeProvider time, TextWriter output)
    {
        try
        {
            return EdgeAgent.Hardware.Companion.CompanionConnection.Open(setup.Board!, time, usage: null);
        }
        catch (IOException e)
        {
            output.WriteLine($"the companion cannot take the consent: {e.Message}");
            return null;
        }
    }
}
