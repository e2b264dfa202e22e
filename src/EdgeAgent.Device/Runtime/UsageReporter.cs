using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Writes usage down: a <c>usage.summary</c> every <see cref="UsageOptions.SummaryInterval"/> and a last one at shutdown,
/// and, every <see cref="UsageOptions.BudgetInterval"/>, enforces the outbox's telemetry caps and writes any drop down as
/// a <c>telemetry.dropped</c> record, and a full outbox (new telemetry refused, evidence still kept) or a full disk under
/// it (<see cref="OutboxDepth.DiskFull"/>) as a storage fault that clears when there is room again. A failed iteration is
/// logged and retried at the next tick; a failure of the last records at stop is logged and the stop goes on.
/// </summary>
internal sealed class UsageReporter(
    AgentRuntime runtime, UsageAccountant usage, Systemd.Liveness liveness, IOptions<UsageOptions> options, IOptions<OutboxOptions> outbox, TimeProvider time, ILogger<UsageReporter> logger)
    : BackgroundService
{
    private readonly UsageOptions _options = options.Value;

    /// <summary>The usage loop appends to the ledger; silent for three of its ticks, the agent counts as wedged.</summary>
    private readonly Systemd.Liveness.Heartbeat _heartbeat = liveness.Register("usage", Tick(options.Value) * 3);

    private static TimeSpan Tick(UsageOptions o) => o.BudgetInterval < o.SummaryInterval ? o.BudgetInterval : o.SummaryInterval;
    private readonly DiskBudgetWatch _budget = new(outbox.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSummary = time.GetTimestamp();
        var summaryTicks = (long)(_options.SummaryInterval.TotalSeconds * time.TimestampFrequency);
        nextSummary += summaryTicks;
        using var timer = new PeriodicTimer(Tick(_options), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await WriteDropsAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetTimestamp() >= nextSummary)
                {
                    nextSummary += summaryTicks;
                    await WriteSummaryAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsAppendFailure(e))
            {
                Log.UsageFailed(logger, _options.BudgetInterval, e);
            }

            _heartbeat.Beat();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteSummaryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsAppendFailure(e))
        {
            Log.StopRecordFailed(logger, RecordTypes.UsageSummary, e);
        }

        try
        {
            await WriteDropsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsAppendFailure(e))
        {
            Log.StopRecordFailed(logger, RecordTypes.TelemetryDropped, e);
        }
    }

    /// <summary>What a refused or failed append throws (a full disk, a closed outbox): logged and survived, never fatal.</summary>
    internal static bool IsAppendFailure(Exception e) =>
        e is IOException or InvalidOperationException or ArgumentException or ObjectDisposedException;

    private Task WriteSummaryAsync(CancellationToken cancellationToken) =>
        runtime.Ledger.AppendAsync(RecordTypes.UsageSummary, usage.TakeSummary().ToJson(), cancellationToken).AsTask();

    private async Task WriteDropsAsync(CancellationToken cancellationToken)
    {
        var depth = await runtime.Outbox.DepthAsync(cancellationToken).ConfigureAwait(false);
        var held = depth.EvidenceBytes + depth.TelemetryBytes;
        var change = _budget.Observe(depth);
        if (change != BudgetChange.None)
        {
            Log.BudgetChanged(logger, change, held);
            await WriteFaultAsync(change, DiskBudgetWatch.FaultCode, held, change == BudgetChange.Exhausted
                ? "the outbox is full: new telemetry is refused (evidence is still kept) until the hub acknowledges what is held"
                : "the outbox has room again", cancellationToken).ConfigureAwait(false);
        }

        var disk = _budget.ObserveDisk(depth);
        if (disk != BudgetChange.None)
        {
            Log.DiskChanged(logger, disk, held);
            await WriteFaultAsync(disk, DiskBudgetWatch.DiskFullCode, held, disk == BudgetChange.Exhausted
                ? "the disk under the outbox is nearly full: telemetry is dropped oldest first, then refused, to keep room for evidence, until the hub acknowledges what is held"
                : "the disk under the outbox has room again", cancellationToken).ConfigureAwait(false);
        }

        if (await runtime.Ledger.WriteDropReportAsync(cancellationToken).ConfigureAwait(false) is { } written)
        {
            Log.DropsWritten(logger, written.Seq);
        }
    }

    private Task WriteFaultAsync(BudgetChange change, string code, long held, string detail, CancellationToken cancellationToken) =>
        runtime.Ledger.AppendAsync(change == BudgetChange.Exhausted ? RecordTypes.FaultRaised : RecordTypes.FaultCleared, RecordData.Of(j =>
        {
            j.WriteString("code", code);
            j.WriteString("subsystem", "storage");
            j.WriteString("severity", "warning");
            // Caused by a long outage, not by the product failing: not a relevant failure for reliability figures.
            j.WriteBoolean("relevant", false);
            j.WriteNumber("held_bytes", held);
            j.WriteString("detail", detail);
        }), cancellationToken).AsTask();
}
