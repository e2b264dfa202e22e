using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Outbox;

/// <summary>One encoded record waiting for the hub's acknowledgement.</summary>
/// <param name="Seq">The record's sequence number: strictly increasing per device, never reused.</param>
/// <param name="Class">Evidence is never dropped; telemetry may be, oldest first.</param>
/// <param name="Type">The record's event type (for budgets and reports on what was dropped).</param>
/// <param name="Payload">The record's exact bytes (UTF-8 JSON); its SHA-256 is the record's hash.</param>
public sealed record OutboxRecord(long Seq, RecordClass Class, string Type, ReadOnlyMemory<byte> Payload);

/// <summary>What the outbox did with an append.</summary>
public enum AppendOutcome
{
    /// <summary>Durably stored: it survives a kill -9 or power loss from now on.</summary>
    Stored,

    /// <summary>Telemetry refused: the disk budget is exhausted and telemetry is shed first (nothing was stored).</summary>
    TelemetryRefused,
}

/// <summary>Telemetry the outbox dropped to stay within its caps, to be written down as an evidence record.</summary>
/// <param name="Count">How many records.</param>
/// <param name="FirstSeq">Lowest sequence number dropped.</param>
/// <param name="LastSeq">Highest sequence number dropped.</param>
/// <param name="Bytes">Their total payload size.</param>
public sealed record DroppedTelemetry(long Count, long FirstSeq, long LastSeq, long Bytes);

/// <summary>Queue depth per class.</summary>
public sealed record OutboxDepth(long EvidenceRecords, long EvidenceBytes, long TelemetryRecords, long TelemetryBytes);

/// <summary>
/// The device's durable outbox: a log of encoded records plus a checkpoint (the highest sequence the hub has
/// acknowledged). Records are appended in sequence order, read in sequence order for publishing, and deleted only
/// when the hub acknowledges them. Evidence is never dropped; telemetry has byte and age caps and is dropped oldest
/// first, and what was dropped is reported so it can be written down as evidence.
/// </summary>
public interface IOutbox : IAsyncDisposable
{
    /// <summary>
    /// Appends records (in increasing <see cref="OutboxRecord.Seq"/>, above every stored one) and returns once they are
    /// durable. Concurrent callers are committed together (group commit). Evidence is always stored while the disk
    /// has room; telemetry is refused when the byte budget is exhausted.
    /// </summary>
    ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> stored records with sequence above <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>The hub durably stored everything up to <paramref name="seq"/>: delete it and move the checkpoint.</summary>
    ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken);

    /// <summary>The highest acknowledged sequence (0 before the first acknowledgement); survives restarts.</summary>
    ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken);

    /// <summary>Enforces the telemetry caps (bytes, age) now; returns what was dropped, or null when nothing was.</summary>
    ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken);

    ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken);
}
