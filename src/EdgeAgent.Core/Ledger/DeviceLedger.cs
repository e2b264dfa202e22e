using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Ledger;

/// <summary>What an append to the ledger became: its seq and hash (its link in the chain) and what the outbox did.</summary>
public sealed record LedgerAppend(long Seq, string Hash, AppendOutcome Outcome);

/// <summary>
/// The device's signed usage and sales ledger: it makes each record (envelope, digests, link to the previous one),
/// encodes it once, and writes it through the durable <see cref="IOutbox"/>; it signs checkpoints with the device key
/// and takes part in the hub's clock sync.
/// <para>
/// Appends are serialised by one gate: under it the ledger assigns seq = head + 1, stamps boot, <c>mono_ms</c>, wall
/// time and its source, the digests and <c>prev</c>, encodes and hashes the record and hands it to the outbox, which
/// enqueues it before returning; the gate is released before the commit is awaited, so concurrent appends keep their
/// order and share one group commit.
/// </para>
/// <para>
/// A seq exists only once committed. The outbox refuses anything that is not the next link of what it durably holds,
/// and only what it holds is ever read for publishing, so nothing leaves the device that is not durable. A crash
/// between "assigned" and "written" therefore loses an assignment nobody saw, never a record: on restart the head is
/// read back from the file (<see cref="IOutbox.StartBootAsync"/>) and the same seq is assigned again to the next
/// record, which is its first and only appearance. When an append fails the ledger marks a resync: the next append
/// first reloads the head with <see cref="IOutbox.HeadAsync"/>, which the outbox answers after everything queued before
/// it. The appends queued behind the failed one name a predecessor that never came to be, so the outbox refuses them as
/// not the next link (<see cref="NotNextLinkException"/>, nothing stored); they were not the cause and their callers
/// were told nothing yet, so the ledger links each of them again to the reloaded head (a new seq, prev and time, the
/// same type and data) instead of failing them: the seqs they had been given were never written or seen, and are
/// assigned again in order, so the chain has no gap and no seq is ever stored twice. Only the append that failed
/// itself (a full disk, an I/O error) fails to its caller.
/// </para>
/// </summary>
public sealed class DeviceLedger : ICheckpointSigner, IClockSyncParty, IDisposable
{
    private readonly IOutbox _outbox;
    private readonly ECDsa _key;
    private readonly string _keyId;
    private readonly DeviceClock _clock;
    private readonly AppendSignal _signal;
    private readonly ILogger _logger;
    private readonly string _agentDigest;
    private readonly string _configDigest;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly Lock _state = new();
    private string _modelDigest;
    private ChainHead _assigned;
    private ChainHead _durable;
    private long? _activationSeq;
    private volatile bool _resync;

    private DeviceLedger(IOutbox outbox, DeviceIdentity identity, ECDsa key, DeviceClock clock, LedgerDigests digests, AppendSignal signal, ILogger logger, LedgerState state)
    {
        _outbox = outbox;
        _key = key;
        _keyId = identity.KeyId; // checked against the key at open
        _clock = clock;
        _signal = signal;
        _logger = logger;
        DeviceId = identity.DeviceId;
        ProductId = identity.ProductId;
        _modelDigest = digests.Model;
        _agentDigest = digests.Agent;
        _configDigest = digests.Config;
        Boot = state.Boot;
        _assigned = _durable = state.Head;
        _activationSeq = state.ActivationSeq;
    }

    public string DeviceId { get; }

    public string ProductId { get; }

    /// <summary>This start's boot counter (durable before the ledger opened).</summary>
    public long Boot { get; }

    /// <summary>Milliseconds since this boot, monotonic.</summary>
    public long MonoMs => _clock.MonoMs;

    /// <summary>The last durable link of the chain.</summary>
    public ChainHead Head
    {
        get
        {
            lock (_state)
            {
                return _durable;
            }
        }
    }

    /// <summary>True once the device's first <c>device.activated</c> record is durable (in this or an earlier boot).</summary>
    public bool IsActivated
    {
        get
        {
            lock (_state)
            {
                return _activationSeq is not null;
            }
        }
    }

    /// <summary>
    /// Opens the ledger over <paramref name="outbox"/> for this start: counts the boot (once) and resumes from the head.
    /// The caller keeps ownership of the outbox and the key.
    /// </summary>
    /// <exception cref="DeviceNotProvisionedException">No consent was given at provisioning, or the key is not the identity's.</exception>
    public static async Task<DeviceLedger> OpenAsync(IOutbox outbox, DeviceIdentity identity, ECDsa key, DeviceClock clock, LedgerDigests digests, AppendSignal signal, ILogger<DeviceLedger> logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(digests);
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(logger);
        if (!identity.Consent)
        {
            throw new DeviceNotProvisionedException(
                $"device '{identity.DeviceId}' was provisioned without the owner's consent, so it records nothing. Once the owner agrees, run: " +
                $"edgeagent provision --device {identity.DeviceId} --product {identity.ProductId} --consent");
        }

        if (!string.Equals(Checkpoint.KeyIdOf(key), identity.KeyId, StringComparison.Ordinal))
        {
            throw new DeviceNotProvisionedException(
                $"the device key (key id {Checkpoint.KeyIdOf(key)}) is not the one identity.json names ({identity.KeyId}); restore the original key from backup");
        }

        var state = await outbox.StartBootAsync(ct).ConfigureAwait(false);
        var ledger = new DeviceLedger(outbox, identity, key, clock, digests, signal, logger, state);
        signal.Notify(state.Head.Seq);
        Log.Opened(logger, identity.DeviceId, state.Boot, state.Head.Seq, state.Acknowledged, state.ActivationSeq);
        return ledger;
    }

    /// <summary>The model set changed (update, rollback): records from now on carry <paramref name="digest"/>.</summary>
    public void SetModelDigest(string digest) => Volatile.Write(ref _modelDigest, LedgerDigests.Check(digest, nameof(digest)));

    /// <summary>Appends a record of <paramref name="type"/> (one of <see cref="RecordTypes"/>) and returns once it is durable.</summary>
    /// <exception cref="ArgumentException">Unknown type, data not an object, or a record over 64 KiB: nothing is assigned.</exception>
    public ValueTask<LedgerAppend> AppendAsync(string type, JsonElement data, CancellationToken ct) => AppendCoreAsync(type, data, null, ct);

    /// <summary>Writes <c>device.activated</c> unless the device already has one (once per device lifetime, across boots).</summary>
    /// <returns>The activation record, or null when the device was already activated.</returns>
    public async ValueTask<LedgerAppend?> EnsureActivatedAsync(JsonElement data, CancellationToken ct)
    {
        await _once.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (IsActivated)
            {
                return null;
            }

            var append = await AppendCoreAsync(RecordTypes.DeviceActivated, data, null, ct).ConfigureAwait(false);
            Log.Activated(_logger, append.Seq);
            return append;
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>
    /// Applies the outbox's telemetry caps and, if any telemetry was dropped and not yet written down, writes a
    /// <c>telemetry.dropped</c> record <c>{count, first_seq, last_seq, bytes}</c> that clears the report in the same
    /// transaction (so a crash can neither lose it nor write it twice).
    /// </summary>
    /// <returns>The report record, or null when nothing was pending.</returns>
    public async ValueTask<LedgerAppend?> WriteDropReportAsync(CancellationToken ct)
    {
        await _once.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var report = await _outbox.EnforceBudgetsAsync(ct).ConfigureAwait(false);
            if (report is null)
            {
                return null;
            }

            var data = LedgerJson.Object(w =>
            {
                w.WriteNumber("count", report.Count);
                w.WriteNumber("first_seq", report.FirstSeq);
                w.WriteNumber("last_seq", report.LastSeq);
                w.WriteNumber("bytes", report.Bytes);
            });
            var append = await AppendCoreAsync(RecordTypes.TelemetryDropped, data, report, ct).ConfigureAwait(false);
            Log.DropsReported(_logger, report.Count, report.FirstSeq, report.LastSeq, append.Seq);
            return append;
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>Signs the checkpoint "record <paramref name="seq"/> has hash <paramref name="hash"/>" with the device key.</summary>
    public Checkpoint Sign(long seq, string hash)
    {
        lock (_key)
        {
            return Checkpoint.Sign(_key, _keyId, DeviceId, seq, hash);
        }
    }

    /// <summary>Anchors the device clock on the exchange and writes it down as a <c>clock.sync</c> evidence record.</summary>
    public async ValueTask RecordAsync(ClockSyncSample sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Boot != Boot)
        {
            throw new ArgumentException($"clock sync of boot {sample.Boot} offered to boot {Boot}; monotonic times of another boot mean nothing here", nameof(sample));
        }

        _clock.Anchor(sample);
        Log.ClockAnchored(_logger, sample.OffsetMs, sample.ErrorMs);
        var data = LedgerJson.Object(w =>
        {
            w.WriteNumber("boot", sample.Boot);
            w.WriteNumber("t0_mono_ms", sample.SentMonoMs);
            w.WriteNumber("t1_mono_ms", sample.ReceivedMonoMs);
            w.WriteNumber("hub_ms", sample.HubMs);
            w.WriteNumber("offset_ms", sample.OffsetMs);
            w.WriteNumber("err_ms", sample.ErrorMs);
        });
        await AppendCoreAsync(RecordTypes.ClockSync, data, null, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _gate.Dispose();
        _once.Dispose();
    }

    /// <summary>
    /// Times an append refused as not the next link is linked again: each refusal means another append before it failed
    /// (and was failed to its own caller), so this many in a row means the outbox keeps failing, not a race.
    /// </summary>
    private const int MaxRelinks = 8;

    private async ValueTask<LedgerAppend> AppendCoreAsync(string type, JsonElement data, DroppedTelemetry? reports, CancellationToken ct)
    {
        var recordClass = RecordTypes.ClassOf(type);
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"the data of a {type} record must be a JSON object, not {data.ValueKind}", nameof(data));
        }

        for (var relinks = 0; ; relinks++)
        {
            try
            {
                return await AppendOnceAsync(type, recordClass, data, reports, ct).ConfigureAwait(false);
            }
            catch (NotNextLinkException e) when (relinks < MaxRelinks)
            {
                Log.Relinking(_logger, type, e.Message);
            }
        }
    }

    /// <summary>Links, encodes and appends the record once; a failure marks the resync and goes to the caller.</summary>
    private async ValueTask<LedgerAppend> AppendOnceAsync(string type, RecordClass recordClass, JsonElement data, DroppedTelemetry? reports, CancellationToken ct)
    {
        ValueTask<AppendOutcome> pending;
        ChainHead link;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_resync)
            {
                _assigned = await _outbox.HeadAsync(ct).ConfigureAwait(false);
                _resync = false;
                Log.Resynced(_logger, _assigned.Seq);
            }

            var seq = _assigned.Seq + 1;
            var mono = _clock.MonoMs;
            var (wall, source) = _clock.WallAt(mono);
            var bytes = RecordCodec.Encode(new EvidenceRecord
            {
                Version = EvidenceRecord.CurrentVersion,
                DeviceId = DeviceId,
                ProductId = ProductId,
                Boot = Boot,
                Seq = seq,
                MonoMs = mono,
                WallMs = wall,
                TimeSource = source,
                Type = type,
                Data = data,
                ModelDigest = Volatile.Read(ref _modelDigest),
                AgentDigest = _agentDigest,
                ConfigDigest = _configDigest,
                Prev = _assigned.Hash,
            });
            if (bytes.Length > RecordCodec.MaxRecordBytes)
            {
                throw new ArgumentException($"a {type} record of {bytes.Length} bytes is over the {RecordCodec.MaxRecordBytes}-byte limit; nothing was recorded", nameof(data));
            }

            link = new ChainHead(seq, RecordCodec.Hash(bytes));
            try
            {
                pending = _outbox.AppendAsync(new OutboxRecord(seq, recordClass, type, link.Hash, _assigned.Hash, bytes) { Reports = reports }, ct);
            }
            catch (Exception e)
            {
                _resync = true;
                Log.AppendFailed(_logger, seq, type, e);
                throw;
            }

            _assigned = link;
        }
        finally
        {
            _gate.Release();
        }

        AppendOutcome outcome;
        try
        {
            outcome = await pending.ConfigureAwait(false);
        }
        catch (NotNextLinkException)
        {
            _resync = true; // not this append's fault: relinked by the caller, logged there
            throw;
        }
        catch (Exception e)
        {
            _resync = true;
            Log.AppendFailed(_logger, link.Seq, type, e);
            throw;
        }

        lock (_state)
        {
            if (link.Seq > _durable.Seq)
            {
                _durable = link; // commits happen in seq order: the highest committed is the head
            }

            if (_activationSeq is null && type == RecordTypes.DeviceActivated)
            {
                _activationSeq = link.Seq;
            }
        }

        _signal.Notify(link.Seq);
        return new LedgerAppend(link.Seq, link.Hash, outcome);
    }
}

/// <summary>Builds the small JSON objects the ledger writes as record data.</summary>
internal static class LedgerJson
{
    public static JsonElement Object(Action<Utf8JsonWriter> fields)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
