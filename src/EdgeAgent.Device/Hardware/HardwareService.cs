using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Usage;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Hardware.Monitoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// Runs the product's sensors: opens them on the board (or replays a trace), then every <see cref="HardwareMonitor.Tick"/>
/// samples what is due, detects the operating mode (the seconds per mode of <c>usage.summary</c>, and a <c>session</c>
/// record per stay in a session mode) and writes sensor and threshold faults as <c>fault.raised</c> /
/// <c>fault.cleared</c>. A sensor that cannot be opened is a fault; the others run. A failed step is logged and the next
/// tick tries again. The chip <c>companion</c> sensors read the link <see cref="CompanionService"/> opened (it starts first).
/// Does nothing when no product profile is configured.
/// </summary>
internal sealed class HardwareService(
    HardwareSetup setup, AgentRuntime runtime, UsageAccountant usage, MediaActivity media, CompanionService companion, TimeProvider time, ILogger<HardwareService> logger)
    : BackgroundService
{
    private SensorRig? _rig;
    private HardwareMonitor? _monitor;

    /// <summary>The faults the monitor holds active (sensor and threshold), for the status LED; null without a product.</summary>
    public FaultMonitor? Faults => _monitor?.Faults;

    /// <summary>The current operating mode, e.g. <c>worn</c>; null without a product.</summary>
    public string? Mode => _monitor?.Mode;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (setup is { Product: { } product, Board: { } board })
        {
            _rig = SensorRig.Open(product, board, setup.Rig with { Companion = companion.Connection?.Link }, time);
            var spec = ProfileTranslation.Modes(product);
            _monitor = new HardwareMonitor(_rig, new ModeTracker(spec, usage, runtime.Clock, time), spec, new FaultMonitor(ProfileTranslation.Faults(product), time), media, time);
            foreach (var failure in _rig.Failures)
            {
                Log.SensorUnavailable(logger, failure.Sensor.Id, failure.Sensor.Chip, failure.Reason,
                    failure.Failure == SensorOpenFailure.WrongIdentity ? FaultMonitor.SensorIdentityCode : FaultMonitor.SensorMissingCode);
            }

            await WriteAsync(_monitor.Start(), cancellationToken).ConfigureAwait(false);
            Log.HardwareStarted(logger, product.Id, board.Id, setup.Rig.Replay is { } r ? $" replaying {r}" : "", _rig.Channels.Count, _rig.Failures.Count, _monitor.Tick, _monitor.Mode);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_monitor is not { } monitor)
        {
            return;
        }

        using var timer = new PeriodicTimer(monitor.Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await WriteAsync(monitor.Step(time.GetTimestamp()), stoppingToken).ConfigureAwait(false);
            }
            catch (Core.Replay.TraceFormatException e)
            {
                // A bad line further into a replayed trace: the replay cannot go on (the agent does; the open session
                // ends at the stop). Said once, not at every tick.
                Log.ReplayStopped(logger, e.Message);
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Log.StepFailed(logger, monitor.Tick, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_monitor is { } monitor)
        {
            await WriteAsync(monitor.Stop(), cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _rig?.Dispose();
        base.Dispose();
    }

    private async Task WriteAsync(IReadOnlyList<HardwareRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            Log.HardwareRecord(logger, record.Type, record.Data.GetRawText());
            await runtime.Ledger.AppendAsync(record.Type, record.Data, cancellationToken).ConfigureAwait(false);
        }
    }
}
