using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Outbox;

/// <summary>The outbox's budgets; bound from the <c>Outbox</c> section.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Total bytes of payload the outbox may hold (evidence and telemetry). Default 256 MiB.</summary>
    [Range(1L << 20, long.MaxValue, ErrorMessage = "Outbox:MaxBytes must be at least 1048576 (1 MiB)")]
    public long MaxBytes { get; set; } = 256L << 20;

    /// <summary>Telemetry bytes, within <see cref="MaxBytes"/>, past which the oldest telemetry is dropped. Default 64 MiB.</summary>
    [Range(0L, long.MaxValue, ErrorMessage = "Outbox:MaxTelemetryBytes must not be negative")]
    public long MaxTelemetryBytes { get; set; } = 64L << 20;

    /// <summary>Telemetry older than this (by the time it was appended) is dropped. Default 7 days.</summary>
    public TimeSpan MaxTelemetryAge { get; set; } = TimeSpan.FromDays(7);
}
