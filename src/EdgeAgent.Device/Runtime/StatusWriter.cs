using EdgeAgent.Core.Files;
using EdgeAgent.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Keeps <c>status.json</c> current (written atomically: temporary file, then rename). It looks every status interval and
/// rewrites the file when anything but the time changed, and at least every <see cref="Heartbeat"/> and at stop: an idle
/// agent does not touch the disk (or spend CPU) every couple of seconds to say nothing new.
/// </summary>
internal sealed class StatusWriter(
    AgentRuntime runtime, OutboxPublisher publisher, Updates.UpdateService updates, Hardware.HardwareService hardware, Hardware.FieldControls controls,
    AgentStatusFeed feed, Systemd.Liveness liveness, IOptions<AgentOptions> options, TimeProvider time, ILogger<StatusWriter> logger)
    : BackgroundService
{
    /// <summary>
    /// The status loop reads the outbox and the publisher every interval: while it ticks, the agent's storage and
    /// connection state are reachable. Silent for four intervals (at least 20 s), the agent counts as wedged.
    /// </summary>
    private readonly Systemd.Liveness.Heartbeat _heartbeat = liveness.Register(
        "status", TimeSpan.FromTicks(Math.Max(options.Value.StatusInterval.Ticks * 4, TimeSpan.FromSeconds(20).Ticks)));

    /// <summary>Longest time between two writes while nothing changes.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private readonly AgentOptions _options = options.Value;
    private AgentStatus? _written;
    private long _writtenAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, time);
        do
        {
            await WriteAsync(stoppingToken).ConfigureAwait(false);
            _heartbeat.Beat();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(cancellationToken, force: true).ConfigureAwait(false);
    }

    private async Task WriteAsync(CancellationToken cancellationToken, bool force = false)
    {
        try
        {
            var depth = await runtime.Outbox.DepthAsync(cancellationToken).ConfigureAwait(false);
            var p = publisher.Status;
            var journal = updates.Coordinator.Journal;
            var download = updates.Coordinator.Progress;
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
                UpdateState = Core.Updates.UpdateStateMachine.Name(journal.State),
                Update = journal.Directive is { } d ? $"{d.Campaign} {d.Name} {d.Version}" : null,
                UpdateReason = journal.State == Core.Updates.UpdateState.Failed ? $"{journal.Reason}: {journal.Detail}" : null,
                UpdateDownload = download is { } dl ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{dl.Bytes} of {dl.Total} bytes") : null,
                Mode = hardware.Mode,
                Faults = hardware.Faults?.Active() is { Count: > 0 } active ? string.Join(", ", active.Select(f => f.Sensor is { } s ? $"{f.Code} {s}" : f.Code)) : null,
                Led = controls.State switch { null => null, Core.Indicators.LedState.OfflineBacklog => "offline_backlog", { } led => led.ToString().ToLowerInvariant() },
            };
            feed.Latest = status;
            var now = time.GetTimestamp();
            if (!force && _written is { } last && last == status with { UpdatedMs = last.UpdatedMs } && time.GetElapsedTime(_writtenAt, now) < Heartbeat)
            {
                return;
            }

            // Rewritten every few seconds and never evidence: no fsync per write (flash wear), the rename alone keeps it whole.
            await AtomicFile.WriteAsync(_options.StatusPath, status.ToJson(), cancellationToken, flushToDisk: false).ConfigureAwait(false);
            (_written, _writtenAt) = (status, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.StatusFailed(logger, _options.StatusPath, e);
        }
    }
}
