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
/// a <c>telemetry.dropped</c> record, and a full outbox (new telemetry refused, evidence still kept) as a storage fault
/// that clears when there is room again. A failed iteration is logged and retried at the next tick.
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
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
            {
                Log.UsageFailed(logger, _options.BudgetInterval, e);
            }

            _heartbeat.Beat();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await WriteSummaryAsync(cancellationToken).ConfigureAwait(false);
        await WriteDropsAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task WriteSummaryAsync(CancellationToken cancellationToken) =>
        runtime.Ledger.AppendAsync(RecordTypes.UsageSummary, usage.TakeSummary().ToJson(), cancellationToken).AsTask();

    private async Task WriteDropsAsync(CancellationToken cancellationToken)
    {
        var depth = await runtime.Outbox.DepthAsync(cancellationToken).ConfigureAwait(false);
        var change = _budget.Observe(depth);
        if (change != BudgetChange.None)
        {
            var held = depth.EvidenceBytes + depth.TelemetryBytes;
            Log.BudgetChanged(logger, change, held);
            await runtime.Ledger.AppendAsync(change == BudgetChange.Exhausted ? RecordTypes.FaultRaised : RecordTypes.FaultCleared, RecordData.Of(j =>
            {
                j.WriteString("code", DiskBudgetWatch.FaultCode);
                j.WriteString("subsystem", "storage");
                j.WriteString("severity", "warning");
                // Caused by a long outage, not by the product failing: not a relevant failure for reliability figures.
                j.WriteBoolean("relevant", false);
                j.WriteNumber("held_bytes", held);
                j.WriteString("detail", change == BudgetChange.Exhausted
                    ? "the outbox is full: new telemetry is refused (evidence is still kept) until the hub acknowledges what is held"
                    : "the outbox has room again");
            }), cancellationToken).ConfigureAwait(false);
        }

        if (await runtime.Ledger.WriteDropReportAsync(cancellationToken).ConfigureAwait(false) is { } written)
        {
            Log.DropsWritten(logger, written.Seq);
        }
    }
}
