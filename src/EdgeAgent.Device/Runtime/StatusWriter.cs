using EdgeAgent.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>Rewrites <c>status.json</c> (atomically: temporary file, then rename) every status interval and at stop.</summary>
internal sealed class StatusWriter(AgentRuntime runtime, OutboxPublisher publisher, IOptions<AgentOptions> options, TimeProvider time, ILogger<StatusWriter> logger)
    : BackgroundService
{
    private readonly AgentOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, time);
        do
        {
            await WriteAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var depth = await runtime.Outbox.DepthAsync(cancellationToken).ConfigureAwait(false);
            var p = publisher.Status;
            var status = new AgentStatus
            {
                UpdatedMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                Pid = Environment.ProcessId,
                DeviceId = runtime.Identity.DeviceId,
                Boot = runtime.Ledger.Boot,
                HeadSeq = runtime.Ledger.Head.Seq,
                Broker = p.Broker,
                Connected = p.Connected,
                SentSeq = p.SentSeq,
                AckedSeq = p.AckedSeq,
                LastAckMs = p.LastAckAt?.ToUnixTimeMilliseconds(),
                LastError = p.LastError,
                Reconnects = p.Reconnects,
                EvidenceRecords = depth.EvidenceRecords,
                EvidenceBytes = depth.EvidenceBytes,
                TelemetryRecords = depth.TelemetryRecords,
                TelemetryBytes = depth.TelemetryBytes,
                TimeSource = runtime.Clock.Wall().Source,
            };
            var temp = _options.StatusPath + ".tmp";
            await File.WriteAllBytesAsync(temp, status.ToJson(), cancellationToken).ConfigureAwait(false);
            File.Move(temp, _options.StatusPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.StatusFailed(logger, _options.StatusPath, e);
        }
    }
}
