using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Outbox;

/// <summary>One entry of the device's chain waiting for the hub's acknowledgement.</summary>
/// <param name="Seq">The record's sequence number: the outbox's head + 1, never reused.</param>
/// <param name="Class">Evidence is never dropped; telemetry may be, oldest first, leaving a tombstone.</param>
/// <param name="Type">The record's event type (for budgets and reports on what was dropped).</param>
/// <param name="Hash">Lower-case hex SHA-256 of <paramref name="Payload"/>: what the next record's <c>prev</c> names.</param>
/// <param name="Prev">The hash the record names as its predecessor; must be the outbox's head hash.</param>
/// <param name="Payload">The record's exact bytes (UTF-8 JSON). Empty when read back from a tombstone.</param>
public sealed record OutboxRecord(long Seq, RecordClass Class, string Type, string Hash, string Prev, ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// On the <c>telemetry.dropped</c> evidence record that writes a drop report down: the report it covers. The outbox
    /// subtracts it from its pending drops in the same transaction that stores this record, so a crash can neither lose
    /// the report nor write it twice.
    /// </summary>
    public DroppedTelemetry? Reports { get; init; }

    /// <summary>True when read back for a telemetry record that was dropped: only its seq, hash and type remain.</summary>
    public bool IsDropped { get; init; }
}

/// <summary>What the outbox did with an append.</summary>
public enum AppendOutcome
{
    /// <summary>Durably stored: it survives a kill -9 or power loss from now on.</summary>
    Stored,

    /// <summary>
    /// Telemetry refused because the disk budget is exhausted: only its tombstone (seq, hash) was stored, so the chain
    /// still links across it, and it counts as dropped in the next drop report.
    /// </summary>
    TelemetryRefused,
}

/// <summary>Telemetry the outbox dropped to stay within its caps, to be written down as an evidence record.</summary>
/// <param name="Count">How many records.</param>
/// <param name="FirstSeq">Lowest sequence number dropped.</param>
/// <param name="LastSeq">Highest sequence number dropped.</param>
/// <param name="Bytes">Their total payload size.</param>
public sealed record DroppedTelemetry(long Count, long FirstSeq, long LastSeq, long Bytes);

/// <summary>Queue depth per class (tombstones count as telemetry records of 0 bytes).</summary>
public sealed record OutboxDepth(long EvidenceRecords, long EvidenceBytes, long TelemetryRecords, long TelemetryBytes)
{
    /// <summary>
    /// True while the filesystem the outbox lives on, not its configured budget, is what limits it: its free space came
    /// below the reserve kept for evidence (or SQLite found it full), so telemetry is dropped oldest first or refused to
    /// keep room for evidence. False again once the free space is back above twice that reserve.
    /// </summary>
    public bool DiskFull { get; init; }
}

/// <summary>
/// An append that is not the next link of what the outbox durably holds: nothing was stored. Thrown (among others)
/// for every append queued behind one that failed, since they name a head that never came to be; the caller may link
/// the same content again to the real head (<see cref="IOutbox.HeadAsync"/>), under a seq nobody has seen.
/// </summary>
public sealed class NotNextLinkException : ArgumentException
{
    public NotNextLinkException()
    {
    }

    public NotNextLinkException(string message)
        : base(message)
    {
    }

    public NotNextLinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What the ledger resumes from at start, read from the outbox file in one transaction.</summary>
/// <param name="Boot">This start's boot counter: the persisted counter + 1, already durable when returned.</param>
/// <param name="Head">Seq and hash of the last entry ever appended (genesis before the first).</param>
/// <param name="ActivationSeq">Seq of the device's first <c>device.activated</c> record, or null if it has none yet.</param>
/// <param name="Acknowledged">The highest seq the hub acknowledged.</param>
public sealed record LedgerState(long Boot, ChainHead Head, long? ActivationSeq, long Acknowledged);

/// <summary>
/// The device's durable outbox: a log of encoded records that is a valid hash chain by construction, plus a checkpoint
/// (the highest sequence the hub has acknowledged). Each append must be the next link (seq = head + 1, prev = head
/// hash); records are read in sequence order for publishing and deleted only when the hub acknowledges them. Evidence
/// is never dropped; telemetry has byte and age caps and is dropped oldest first down to a tombstone (seq, hash), and
/// what was dropped is reported so it can be written down as evidence.
/// </summary>
public interface IOutbox : IAsyncDisposable
{
    /// <summary>Adds 1 to the persisted boot counter and returns it with the chain head and activation: call once per start.</summary>
    ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken);

    /// <summary>Seq and hash of the last entry appended (after a failed append, what is really in the file).</summary>
    ValueTask<ChainHead> HeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends a record and returns once it is durable. It must be the next link; a record that is not fails with
    /// <see cref="NotNextLinkException"/> and nothing is stored. Appends enqueued together are committed together (group
    /// commit), in the order they were called: this method enqueues before it returns. Evidence is always stored while
    /// the disk has room; telemetry is reduced to its tombstone when the byte budget (or the filesystem's free space, less
    /// the reserve kept for evidence) is exhausted. An append the disk cannot hold fails with <see cref="IOException"/>.
    /// A <c>device.activated</c> record sets <see cref="LedgerState.ActivationSeq"/> in the same transaction.
    /// </summary>
    ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> entries (records and tombstones) with sequence above <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>The hub durably stored everything up to <paramref name="seq"/>: delete it and move the checkpoint.</summary>
    ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken);

    /// <summary>The highest acknowledged sequence (0 before the first acknowledgement); survives restarts.</summary>
    ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Enforces the telemetry caps (bytes, age) now; returns every drop not yet written down (see
    /// <see cref="OutboxRecord.Reports"/>), or null when there is none. Calling it again without writing the report
    /// down returns the same drops (and any new ones) again.
    /// </summary>
    ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken);

    ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken);
}
