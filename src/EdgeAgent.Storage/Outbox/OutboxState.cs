namespace EdgeAgent.Storage.Outbox;

/// <summary>
/// What the outbox holds, mirrored in memory so budgets need no full-table scan. A transaction works on a copy and the
/// copy replaces the state only once the commit returned, so the mirror never runs ahead of the file.
/// </summary>
internal struct OutboxState
{
    public long LastSeq;
    public long Acknowledged;
    public long EvidenceRecords;
    public long EvidenceBytes;
    public long TelemetryRecords;
    public long TelemetryBytes;

    /// <summary>Telemetry dropped since the last report (persisted in <c>dropped_telemetry</c>).</summary>
    public long DroppedCount;
    public long DroppedFirstSeq;
    public long DroppedLastSeq;
    public long DroppedBytes;

    public readonly long TotalBytes => EvidenceBytes + TelemetryBytes;

    public void AddDropped(long count, long firstSeq, long lastSeq, long bytes)
    {
        TelemetryRecords -= count;
        TelemetryBytes -= bytes;
        DroppedFirstSeq = DroppedCount == 0 ? firstSeq : Math.Min(DroppedFirstSeq, firstSeq);
        DroppedLastSeq = DroppedCount == 0 ? lastSeq : Math.Max(DroppedLastSeq, lastSeq);
        DroppedCount += count;
        DroppedBytes += bytes;
    }
}
