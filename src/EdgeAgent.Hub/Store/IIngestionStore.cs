namespace EdgeAgent.Hub.Store;

/// <summary>
/// What ingestion needs of a store: enrolment lookups, the chain heads, and the writes of one group, all inside one
/// write transaction (<see cref="BeginWrite"/> … <see cref="CommitWrite"/>). <see cref="HubStore"/> (SQLite, one
/// writer) and <see cref="PostgresStore"/> (several workers) implement it; <see cref="Ingestion.IngestionProcessor"/>
/// is written against it alone. Not thread-safe: one instance per writer.
/// </summary>
internal interface IIngestionStore : IDisposable
{
    /// <summary>Where the store lives, for messages (a file path, or a PostgreSQL URI without its password).</summary>
    string Location { get; }

    DeviceRow? FindDevice(string deviceId);

    /// <summary>The enrolled devices among <paramref name="deviceIds"/> (those not enrolled are left out), in one query.</summary>
    IReadOnlyList<DeviceRow> FindDevices(IReadOnlyCollection<string> deviceIds);

    void BeginWrite();

    void CommitWrite();

    void RollbackWrite();

    /// <summary>
    /// Serialises this transaction with every other writer's on these devices until it ends (a no-op for a store with
    /// one writer). Called once per group, right after <see cref="BeginWrite"/>, with every device of the group.
    /// </summary>
    void LockDevices(IReadOnlyCollection<string> deviceIds);

    /// <summary>The device's chain head and how far its drop reports reach; null before any record.</summary>
    (long Seq, string Hash, long DropsReportedTo)? Head(string deviceId);

    void SetHead(string deviceId, long seq, string hash, long dropsReportedTo);

    /// <summary>The hashes held for the device at seqs from <paramref name="fromSeq"/> to <paramref name="toSeq"/>, by seq (one query: a batch sent again overlaps many held entries).</summary>
    IReadOnlyDictionary<long, string> HeldHashes(string deviceId, long fromSeq, long toSeq);

    /// <summary>Stores an entry; idempotent on (device, seq).</summary>
    void AddRecord(RecordRow row);

    void InsertCheckpoint(string deviceId, long seq, string hash, string keyId, string sig, long receivedAtMs);

    /// <summary>Keeps a flagged input and counts it under its reason.</summary>
    void InsertRejection(string deviceId, long seq, string reason, string detail, string topic, byte[]? payload, long receivedAtMs);

    /// <summary>Counts one more of <paramref name="reason"/>.</summary>
    void Count(string reason);

    /// <summary>Tombstones held for the device in [from, to].</summary>
    long TombstonesBetween(string deviceId, long from, long to);

    /// <summary>Keeps the best (smallest error) anchor of a boot.</summary>
    void UpsertAnchor(string deviceId, long boot, long offsetMs, long errMs);
}

/// <summary>The reads and enrolment the CLI verbs (<c>devices</c>, <c>records</c>, <c>rejections</c>) need, on either store.</summary>
internal interface IChainStore : IIngestionStore
{
    /// <summary>Enrols a device; false (nothing changed) when it is already enrolled with this key.</summary>
    /// <exception cref="InvalidOperationException">The device is enrolled with another key or product.</exception>
    bool Enroll(DeviceRow device);

    IReadOnlyList<DeviceRow> Devices();

    IReadOnlyList<RecordRow> Records(string deviceId, long fromSeq);

    IReadOnlyList<BootAnchorRow> Anchors(string deviceId);

    IReadOnlyDictionary<long, (long MinMono, long MaxMono)> BootSpans(string deviceId);

    IReadOnlyDictionary<string, long> Counters();

    (IReadOnlyDictionary<string, long> PerReason, IReadOnlyList<RejectionRow> Latest) Rejections(string? deviceId, int latest);
}

/// <summary>A batch that arrived ahead of its device's head, kept until the head catches up or its grace runs out.</summary>
internal sealed record ParkedBatch(string DeviceId, long FirstSeq, string Topic, byte[] Payload, long ParkedAtMs);

/// <summary>
/// Batches parked because their predecessor went to another worker and was not yet committed (only a store that several
/// workers share has this). Every call runs in the open write transaction.
/// </summary>
internal interface IParkedBatches
{
    /// <summary>Keeps the batch (once per device and first seq; a copy sent again keeps the first's parking time).</summary>
    void Park(ParkedBatch batch);

    /// <summary>
    /// For each device of <paramref name="nextSeq"/>, its parked batches that can follow on its head, those whose first seq
    /// is at most the device's next seq, and, with <paramref name="parkedBeforeMs"/>, those parked at or before it;
    /// ordered by device, then first seq.
    /// </summary>
    IReadOnlyList<ParkedBatch> ParkedReady(IReadOnlyDictionary<string, long> nextSeq, long? parkedBeforeMs);

    void Unpark(string deviceId, long firstSeq);

    /// <summary>Devices with a batch parked at or before <paramref name="parkedBeforeMs"/>, in order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<string> DevicesParkedBefore(long parkedBeforeMs, int limit);
}
