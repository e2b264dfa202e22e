using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Ingestion;

/// <summary>A batch as it came off the broker.</summary>
internal sealed record IncomingBatch(string Topic, byte[] Payload);

/// <summary>An acknowledgement to publish once the group it answers is committed.</summary>
internal sealed record OutgoingAck(string Topic, BatchAck Ack);

/// <summary>
/// Verifies groups of batches and stores them in one transaction (group commit), then says which acknowledgements to
/// publish. Every check of chain and signature is <see cref="BatchVerifier"/>'s; this class adds the topic, the
/// enrolment and the storage around it. Bad input is flagged, counted and kept; it never stops the other devices.
/// <para>
/// With several workers sharing one store (<see cref="IParkedBatches"/> given), a batch whose first entry lies beyond
/// head + 1 most likely has its predecessor at another worker, not yet committed: it is parked, not flagged, and the
/// device is acknowledged only up to its held head. Whichever worker advances the head drains the device's parked
/// batches in order; one still parked after the grace period is verified as it stands, and so flagged <c>gap</c>
/// (<see cref="SweepExpired"/>). Every group locks its devices first (<see cref="IIngestionStore.LockDevices"/>).
/// </para>
/// Not thread-safe: the ingestion writer loop is its only caller.
/// </summary>
internal sealed class IngestionProcessor : IDisposable
{
    /// <summary>Counter (not a rejection) for a <c>telemetry.dropped</c> report whose count the tombstones held disagree with.</summary>
    public const string DropReportMismatch = "drop_report_mismatch";

    /// <summary>Counter (not a rejection) of batches parked because they arrived ahead of their device's head (several workers).</summary>
    public const string BatchParked = "batch_parked";

    private const int MaxKeptRejectedPayload = 64 * 1024;

    /// <summary>Most devices whose expired parked batches one <see cref="SweepExpired"/> flags.</summary>
    private const int SweepDevices = 64;

    private static readonly ParallelOptions CheckParallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private readonly IIngestionStore _store;
    private readonly IParkedBatches? _parking;
    private readonly TimeSpan _gapGrace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, (string ProductId, ECDsa Key)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _warnedStreak = new(StringComparer.Ordinal);

    public IngestionProcessor(IIngestionStore store, TimeProvider time, ILogger logger, IParkedBatches? parking = null, TimeSpan gapGrace = default)
    {
        _store = store;
        _parking = parking;
        _gapGrace = gapGrace;
        _time = time;
        _logger = logger;
    }

    /// <summary>Verifies and stores every batch of the group in one transaction; returns one acknowledgement per device touched.</summary>
    public IReadOnlyList<OutgoingAck> Process(IReadOnlyList<IncomingBatch> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var devices = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var message in group)
        {
            if (Topics.TryParse(message.Topic, out _, out var device, out _))
            {
                devices.Add(device);
            }
        }

        LoadKeys(devices);
        var prepared = Prepare(group);
        return InTransaction(devices, work =>
        {
            foreach (var batch in prepared)
            {
                ProcessOne(batch, work, allowPark: true);
            }

            if (_parking is not null)
            {
                Drain(devices, work, expiredBeforeMs: null);
            }
        });
    }

    /// <summary>
    /// Flags the parked batches whose grace ran out (their predecessor never came): each is verified against the head as
    /// it stands, which gives <c>gap</c>, as a single hub would have flagged it on arrival. Returns the acknowledgements.
    /// Nothing to do without <see cref="IParkedBatches"/>.
    /// </summary>
    public IReadOnlyList<OutgoingAck> SweepExpired()
    {
        if (_parking is null)
        {
            return [];
        }

        var expiredBefore = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_gapGrace.TotalMilliseconds;
        var devices = _parking.DevicesParkedBefore(expiredBefore, SweepDevices);
        if (devices.Count == 0)
        {
            return [];
        }

        return InTransaction(devices, work => Drain(devices, work, expiredBefore));
    }

    private IReadOnlyList<OutgoingAck> InTransaction(IReadOnlyCollection<string> devices, Action<GroupWork> body)
    {
        var work = new GroupWork(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var acks = new List<OutgoingAck>();
        _store.BeginWrite();
        try
        {
            _store.LockDevices(devices);
            body(work);

            // The heads as this transaction leaves them, read inside it (a store caches them there; after the commit each
            // would be a query of its own).
            foreach (var (device, t) in work.Touched)
            {
                var head = t.Enrolled ? _store.Head(device)?.Seq ?? 0 : 0;
                acks.Add(new OutgoingAck(Topics.Ack(t.Product, device), new BatchAck { DeviceId = device, AckedSeq = head, Rejected = t.Rejected }));
            }

            _store.CommitWrite();
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }

        foreach (var (device, reason, detail) in work.Problems)
        {
            if (!_warnedStreak.TryGetValue(device, out var last) || last != reason)
            {
                _warnedStreak[device] = reason;
                Log.BatchFlagged(_logger, device, reason, detail);
            }
        }

        foreach (var device in work.Clean.Where(d => !work.Problems.Any(p => p.Device == d)))
        {
            _warnedStreak.Remove(device);
        }

        return acks;
    }

    /// <summary>
    /// Applies the devices' parked batches their heads have reached, in order, until none is left that follows on; with
    /// <paramref name="expiredBeforeMs"/>, also those parked before it, which are then verified as they stand. One query a
    /// round for every device still moving (<see cref="IParkedBatches.ParkedReady"/>): only batches that can apply come
    /// back, not a device's whole parked backlog each time.
    /// </summary>
    private void Drain(IEnumerable<string> devices, GroupWork work, long? expiredBeforeMs)
    {
        var moving = devices.ToHashSet(StringComparer.Ordinal);
        while (moving.Count > 0)
        {
            var next = moving.ToDictionary(d => d, d => (_store.Head(d)?.Seq ?? 0) + 1, StringComparer.Ordinal);
            moving.Clear();
            foreach (var parked in _parking!.ParkedReady(next, expiredBeforeMs))
            {
                var device = parked.DeviceId;
                var head = _store.Head(device)?.Seq ?? 0;
                if (parked.FirstSeq > head + 1 && !(parked.ParkedAtMs <= expiredBeforeMs))
                {
                    continue;
                }

                _parking.Unpark(device, parked.FirstSeq);
                ProcessOne(new PreparedBatch(new IncomingBatch(parked.Topic, parked.Payload)), work, allowPark: false);
                if ((_store.Head(device)?.Seq ?? 0) > head)
                {
                    moving.Add(device);
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var (_, key) in _keys.Values)
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// Reads the group's batches and checks their signatures (<see cref="BatchVerifier.Check"/>) before the transaction,
    /// in parallel: one task per enrolled key, so no key is used by two threads. Verification was the writer's hot spot
    /// (one ECDSA verification per batch); the chain, which needs the held head, is still placed in order inside it.
    /// </summary>
    private List<PreparedBatch> Prepare(IReadOnlyList<IncomingBatch> group)
    {
        var prepared = new List<PreparedBatch>(group.Count);
        var byKey = new Dictionary<ECDsa, (string Product, string Device, List<PreparedBatch> Batches)>(ReferenceEqualityComparer.Instance);
        foreach (var message in group)
        {
            var batch = new PreparedBatch(message);
            prepared.Add(batch);
            if (Topics.TryParse(message.Topic, out var product, out var device, out var kind) && kind == "evt" && EnrolledKey(device) is { } key && key.ProductId == product)
            {
                if (!byKey.TryGetValue(key.Key, out var same))
                {
                    same = (product, device, []);
                    byKey[key.Key] = same;
                }

                same.Batches.Add(batch);
            }
        }

        // A key is one device's: its batches stay on one thread, in order.
        Parallel.ForEach(byKey, CheckParallelism, pair => pair.Value.Batches.ForEach(b => b.Check(pair.Key, pair.Value.Product, pair.Value.Device)));
        return prepared;
    }

    private void ProcessOne(PreparedBatch prepared, GroupWork work, bool allowPark)
    {
        var message = prepared.Message;
        var now = work.NowMs;
        var touched = work.Touched;
        var problems = work.Problems;
        var clean = work.Clean;
        if (!Topics.TryParse(message.Topic, out var product, out var device, out var kind) || kind != "evt")
        {
            Flag("?", 0, RejectionReasons.WrongTopic, $"topic '{message.Topic}' is not ea/v1/{{product}}/{{device}}/evt", message.Topic, message.Payload, now, problems);
            return;
        }

        var enrolled = EnrolledKey(device);
        if (!touched.TryGetValue(device, out var entry))
        {
            entry = (product, [], enrolled is not null);
            touched[device] = entry;
        }

        void Reject(long seq, string reason, string detail, byte[]? payload)
        {
            entry.Rejected.Add(new RejectedRecord { Seq = seq, Reason = reason });
            Flag(device, seq, reason, detail, message.Topic, payload, now, problems);
        }

        if (prepared.Read() is not { } batch)
        {
            Reject(0, prepared.Reason!, prepared.Detail!, message.Payload);
            return;
        }

        if (batch.DeviceId != device || batch.ProductId != product)
        {
            Reject(0, RejectionReasons.WrongTopic, $"batch of {batch.ProductId}/{batch.DeviceId} published on {message.Topic}", message.Payload);
            return;
        }

        if (enrolled is not { } key)
        {
            Reject(0, RejectionReasons.UnknownDevice, $"device {device} is not enrolled (edgehub devices enroll)", message.Payload);
            return;
        }

        if (key.ProductId != product)
        {
            Reject(0, RejectionReasons.WrongTopic, $"device {device} is enrolled as product {key.ProductId}, not {product}", message.Payload);
            return;
        }

        var held = _store.Head(device);
        var head = held is { } h ? new ChainHead(h.Seq, h.Hash) : ChainHead.Genesis;
        var dropsReportedTo = held?.DropsReportedTo ?? 0;
        var checkedBatch = prepared.Checked ?? BatchVerifier.Check(batch, key.Key);
        var verdict = BatchVerifier.Verify(checkedBatch, head, HeldHashes(device, checkedBatch, head));
        if (allowPark && _parking is not null && IsAhead(verdict, head))
        {
            // Signed and whole, but it starts past head + 1: its predecessor is most likely at another worker.
            _parking.Park(new ParkedBatch(device, verdict.Rejected.Min(r => r.Seq), message.Topic, message.Payload, now));
            _store.Count(BatchParked);
            return;
        }

        foreach (var r in verdict.Rejected)
        {
            Reject(r.Seq, r.Reason, r.Detail, r.Bytes);
        }

        if (verdict.Rejected.Count == 0)
        {
            clean.Add(device);
        }

        if (verdict.Accepted.Count == 0)
        {
            return;
        }

        foreach (var e in verdict.Accepted)
        {
            if (e.Record is { } rec)
            {
                _store.AddRecord(new RecordRow(device, e.Seq, e.Hash, rec.Prev, rec.Boot, rec.MonoMs, rec.WallMs, rec.TimeSource, rec.Type, e.Bytes, now));
                if (rec.Type == RecordTypes.ClockSync)
                {
                    Anchor(device, rec);
                }
                else if (rec.Type == RecordTypes.TelemetryDropped)
                {
                    dropsReportedTo = CheckDropReport(device, rec, dropsReportedTo, problems);
                }
            }
            else
            {
                // A tombstone: a link the hub cannot read, stored with no payload and never counted as a record.
                _store.AddRecord(new RecordRow(device, e.Seq, e.Hash, "", 0, 0, null, TimeSources.None, "", null, now));
            }
        }

        var last = verdict.Head;
        _store.SetHead(device, last.Seq, last.Hash, dropsReportedTo);
        _store.InsertCheckpoint(device, batch.Checkpoint.Seq, batch.Checkpoint.Hash, batch.Checkpoint.KeyId, batch.Checkpoint.Signature, now);
    }

    /// <summary>
    /// The held-hash lookup for a batch that overlaps what is held (sent again): the hashes of all its entries at or below
    /// the head, read in one query on the first lookup rather than one query an entry.
    /// </summary>
    private Func<long, string?> HeldHashes(string device, CheckedBatch batch, ChainHead head)
    {
        IReadOnlyDictionary<long, string>? held = null;
        return seq =>
        {
            held ??= _store.HeldHashes(device, batch.Entries.Min(e => e.Seq), Math.Min(head.Seq, batch.Entries.Max(e => e.Seq)));
            return held.GetValueOrDefault(seq);
        };
    }

    /// <summary>Nothing accepted, every entry flagged <c>gap</c>, the first of them beyond head + 1: the batch comes early, it is not damaged.</summary>
    private static bool IsAhead(BatchVerdict verdict, ChainHead head) =>
        verdict.Accepted.Count == 0 && verdict.Rejected.Count > 0 && verdict.Rejected.All(r => r.Reason == RejectionReasons.Gap) && verdict.Rejected.Min(r => r.Seq) > head.Seq + 1;

    private void Anchor(string device, EvidenceRecord rec)
    {
        // BootAnchoring is the rule; the upsert keeps the held anchor unless the new one's error is strictly smaller.
        if (BootAnchoring.Of(rec) is { } anchor)
        {
            _store.UpsertAnchor(device, anchor.Boot, anchor.OffsetMs, anchor.ErrMs);
        }
    }

    private long CheckDropReport(string device, EvidenceRecord rec, long reportedTo, List<(string, string, string)> problems)
    {
        var data = rec.Data;
        if (!(data.TryGetProperty("count", out var c) && c.TryGetInt64(out var count) &&
              data.TryGetProperty("first_seq", out var f) && f.TryGetInt64(out var first) &&
              data.TryGetProperty("last_seq", out var l) && l.TryGetInt64(out var last)))
        {
            _store.Count(DropReportMismatch);
            problems.Add((device, DropReportMismatch, $"telemetry.dropped at seq {rec.Seq} lacks count, first_seq or last_seq"));
            return reportedTo;
        }

        var held = last < Math.Max(first, reportedTo + 1) ? 0 : _store.TombstonesBetween(device, Math.Max(first, reportedTo + 1), last);
        if (held != count)
        {
            _store.Count(DropReportMismatch);
            problems.Add((device, DropReportMismatch, $"telemetry.dropped at seq {rec.Seq} reports {count} dropped in [{first}, {last}], the hub holds {held} tombstones there not reported before"));
        }

        return Math.Max(reportedTo, last);
    }

    private void Flag(string device, long seq, string reason, string detail, string topic, byte[]? payload, long now, List<(string, string, string)> problems)
    {
        var kept = payload is { Length: > MaxKeptRejectedPayload } ? payload[..MaxKeptRejectedPayload] : payload;
        _store.InsertRejection(device, seq, reason, detail, topic, kept, now);
        problems.Add((device, reason, detail));
    }

    /// <summary>A batch as it came, read once, with its signature checked ahead (<see cref="Prepare"/>) when it could be.</summary>
    private sealed class PreparedBatch(IncomingBatch message)
    {
        private RecordBatch? _batch;
        private bool _read;

        public IncomingBatch Message { get; } = message;

        public string? Reason { get; private set; }

        public string? Detail { get; private set; }

        /// <summary><see cref="BatchVerifier.Check"/> of the batch with its device's key; null when not done ahead.</summary>
        public CheckedBatch? Checked { get; private set; }

        public RecordBatch? Read()
        {
            if (!_read)
            {
                _read = true;
                _ = RecordBatch.TryRead(Message.Payload, out _batch, out var reason, out var detail);
                (Reason, Detail) = (reason, detail);
            }

            return _batch;
        }

        /// <summary>Checks the batch with <paramref name="key"/> if it reads and names the device of its topic (else <see cref="ProcessOne"/> flags it).</summary>
        public void Check(ECDsa key, string product, string device)
        {
            if (Read() is { } batch && batch.DeviceId == device && batch.ProductId == product)
            {
                Checked = BatchVerifier.Check(batch, key);
            }
        }
    }

    /// <summary>What one transaction did: the devices it touched (for their acknowledgements) and what it flagged.</summary>
    private sealed class GroupWork(long nowMs)
    {
        public long NowMs { get; } = nowMs;

        public Dictionary<string, (string Product, List<RejectedRecord> Rejected, bool Enrolled)> Touched { get; } = new(StringComparer.Ordinal);

        public List<(string Device, string Reason, string Detail)> Problems { get; } = [];

        public HashSet<string> Clean { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Looks the group's devices not yet known up in one query (a worker's store is a round trip away); <see cref="EnrolledKey"/> caches them.</summary>
    private void LoadKeys(IEnumerable<string> devices)
    {
        var missing = devices.Where(d => !_keys.ContainsKey(d)).ToList();
        if (missing.Count > 1)
        {
            foreach (var row in _store.FindDevices(missing))
            {
                Cache(row);
            }
        }
    }

    private (string ProductId, ECDsa Key)? EnrolledKey(string device) =>
        _keys.TryGetValue(device, out var cached) ? cached : _store.FindDevice(device) is { } row ? Cache(row) : null;

    private (string ProductId, ECDsa Key) Cache(DeviceRow row)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(row.PublicKeyPem);
        return _keys[row.DeviceId] = (row.ProductId, key);
    }
}
