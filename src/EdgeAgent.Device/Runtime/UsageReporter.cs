using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Writes usage down: a <c>usage.summary</c> every <see cref="UsageOptions.SummaryInterval"/> and a last one at shutdown,
/// and, every <see cref="UsageOptions.BudgetInterval"/>, enforces the outbox's telemetry caps and writes any drop down as
/// a <c>telemetry.dropped</c> record. A failed iteration is logged and retried at the next tick.
/// </summary>
internal sealed class UsageReporter(AgentRuntime runtime, UsageAccountant usage, IOptions<UsageOptions> options, TimeProvider time, ILogger<UsageReporter> logger)
    : BackgroundService
{
    private readonly UsageOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSummary = time.GetTimestamp();
        var summaryTicks = (long)(_options.SummaryInterval.TotalSeconds * time.TimestampFrequency);
        nextSummary += summaryTicks;
        using var timer = new PeriodicTimer(_options.BudgetInterval < _options.SummaryInterval ? _options.BudgetInterval : _options.SummaryInterval, time);
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
        if (await runtime.Ledger.WriteDropReportAsync(cancellationToken).ConfigureAwait(false) is { } written)
        {
            Log.DropsWritten(logger, written.Seq);
        }
    }
}
