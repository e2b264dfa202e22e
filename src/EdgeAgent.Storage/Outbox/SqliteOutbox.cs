using System.Runtime.InteropServices;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Storage.Outbox;

/// <summary>
/// The device's outbox in one SQLite file (WAL, synchronous=FULL; see <see cref="OutboxSchema"/>).
/// <para>
/// One writer loop, started at open and stopped at dispose, owns the connection. Every request is queued to it;
/// the appends it finds queued together are written in ONE transaction and their callers are completed only after
/// that commit returned (group commit: one fsync for many records). <see cref="AppendAsync"/> enqueues before it
/// returns, so a caller that allocates seqs under a lock and calls it under the same lock keeps them in order.
/// </para>
/// <para>
/// The log is a hash chain by construction: an append must be the next link (seq = head + 1, prev = head hash) or it
/// fails with <see cref="ArgumentException"/> and nothing is stored; appends queued behind a refused one then fail too,
/// since they name a head that never came to be. The hash is the ledger's (its shape is checked, not recomputed).
/// </para>
/// <para>
/// Budgets: telemetry past <see cref="OutboxOptions.MaxTelemetryBytes"/> or older than
/// <see cref="OutboxOptions.MaxTelemetryAge"/> is dropped oldest first (by seq); once the payload total would pass
/// <see cref="OutboxOptions.MaxBytes"/>, new telemetry is refused and evidence makes room by dropping the oldest
/// telemetry. Evidence is never dropped, not even past <see cref="OutboxOptions.MaxBytes"/>: a lost evidence record
/// breaks the signed chain and the claim it backs, which is worse than exceeding a disk budget. A dropped or refused
/// telemetry record stays in the log as a tombstone (payload NULL, bytes 0, seq and hash kept), so the chain links
/// across it. Drops accumulate in the file (with the drop, in the same transaction) until the <c>telemetry.dropped</c>
/// record that reports them (<see cref="OutboxRecord.Reports"/>) is stored, which clears them in its own transaction.
/// </para>
/// <para>
/// The filesystem is part of the budget (<see cref="DiskRoom"/>): before each batch the room left on it is measured
/// and the caps become the smaller of the configured ones and what that room holds: telemetry may use the room less the
/// evidence reserve: below twice the reserve each new telemetry record drops the oldest, within it new telemetry is
/// refused, so telemetry goes first, as tombstones and a drop report, before the disk is full, and evidence (which is
/// not dropped for the disk) has the reserve. Only appends apply the disk's caps: <see cref="EnforceBudgetsAsync"/>
/// keeps to the configured ones. The WAL is checkpointed after <see cref="DiskRoom.WalPages"/> pages and truncated back to that size, so it
/// cannot take a small disk, and an acknowledgement deletes in steps of <see cref="AcknowledgeStep"/> rows. Should SQLite
/// find the disk full all the same (SQLITE_FULL), the batch is retried once with every live telemetry record dropped and
/// the batch's telemetry refused; evidence that still does not fit fails with <see cref="IOException"/> (nothing stored),
/// and its callers may append it again. <see cref="OutboxDepth.DiskFull"/> tells the state.
/// </para>
/// </summary>
internal sealed class SqliteOutbox : IOutbox
{
    /// <summary>Most appends committed in one transaction; more simply wait for the next one.</summary>
    private const int MaxBatch = 1024;

    private const long EvidenceClass = (long)RecordClass.Evidence;

    /// <summary>SQLite's SQLITE_FULL: the disk (or <c>max_page_count</c>) has no room for the transaction.</summary>
    private const int SqliteFull = 13;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>Telemetry still holding its bytes (the partial index <c>records_live_telemetry</c> covers it).</summary>
    private const string LiveTelemetry = "class = 1 AND payload IS NOT NULL";

    private readonly string _path;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _freePages;
    private readonly DiskRoom _room;
    private readonly long _pageSize;
    private readonly Channel<OutboxOperation> _queue =
        Channel.CreateUnbounded<OutboxOperation>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _writer;
    private OutboxState _state;
    private long _transactions;
    private bool _refusingTelemetry;
    private bool _evidenceOverBudget;

    /// <summary>The disk limits the outbox (room below the evidence reserve); cleared at twice the reserve.</summary>
    private bool _diskFull;

    /// <summary>SQLite found the disk full: telemetry is refused until the room is back (or, unmeasured, until an acknowledgement).</summary>
    private bool _sqliteFull;
    private int _disposed;

    private SqliteOutbox(string path, OutboxOptions options, TimeProvider time, ILogger logger, SqliteConnection connection, Func<DiskSpace?> disk)
    {
        _path = path;
        _options = options;
        _time = time;
        _logger = logger;
        _connection = connection;
        _pageSize = long.Parse(PragmaNow("page_size"), System.Globalization.CultureInfo.InvariantCulture);
        _room = DiskRoom.For(disk, path, _pageSize);
        // Checkpointed every WalPages pages (SQLite's default, 1,000 pages = 4 MB, is more than a small disk holds) and
        // truncated back to that size after a checkpoint, so the WAL stays a bounded part of the disk.
        PragmaNow($"wal_autocheckpoint = {_room.WalPages}");
        PragmaNow($"journal_size_limit = {_room.WalPages * _pageSize}");
        _freePages = connection.CreateCommand();
        _freePages.CommandText = "PRAGMA freelist_count;";
        _state = LoadState();
        _insert = connection.CreateCommand();
        _insert.CommandText =
            "INSERT INTO records (seq, class, type, hash, prev, payload, bytes, appended_at) VALUES ($seq, $class, $type, $hash, $prev, $payload, $bytes, $at)";
        _insert.Parameters.Add("$seq", SqliteType.Integer);
        _insert.Parameters.Add("$class", SqliteType.Integer);
        _insert.Parameters.Add("$type", SqliteType.Text);
        _insert.Parameters.Add("$hash", SqliteType.Text);
        _insert.Parameters.Add("$prev", SqliteType.Text);
        _insert.Parameters.Add("$payload", SqliteType.Blob);
        _insert.Parameters.Add("$bytes", SqliteType.Integer);
        _insert.Parameters.Add("$at", SqliteType.Integer);
        _writer = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed since open (group-commit tests compare it with the number of appends).</summary>
    internal long TransactionCount => Interlocked.Read(ref _transactions);

    /// <summary>Opens the outbox file and starts its writer loop.</summary>
    /// <exception cref="IOException">The file is not an outbox, is newer, is in use, or SQLite failed.</exception>
    public static SqliteOutbox Open(string path, OutboxOptions options, TimeProvider time, ILogger logger) =>
        Open(path, options, time, logger, DiskRoom.FileSystemOf(Path.GetDirectoryName(path)!));

    /// <summary>Opens the outbox with <paramref name="disk"/> telling the room on its filesystem (tests give a small one).</summary>
    internal static SqliteOutbox Open(string path, OutboxOptions options, TimeProvider time, ILogger logger, Func<DiskSpace?> disk)
    {
        var connection = OutboxSchema.Open(path, logger);
        try
        {
            var outbox = new SqliteOutbox(path, options, time, logger, connection, disk);
            var s = outbox._state;
            Log.Opened(logger, path, OutboxSchema.CurrentVersion, s.EvidenceRecords, s.TelemetryRecords, s.TotalBytes, s.Acknowledged, s.LastSeq);
            return outbox;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw OutboxSchema.Wrap(path, "open", e);
        }
    }

    public ValueTask<AppendOutcome> AppendAsync(OutboxRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Enum.IsDefined(record.Class))
        {
            throw new ArgumentException($"record {record.Seq} has no record class ({(int)record.Class})", nameof(record));
        }

        if (string.IsNullOrEmpty(record.Type))
        {
            throw new ArgumentException($"record {record.Seq} has no type", nameof(record));
        }

        if (!IsHash(record.Hash) || !IsHash(record.Prev))
        {
            throw new ArgumentException($"record {record.Seq}: hash and prev must be 64 lower-case hex digits (hash '{record.Hash}', prev '{record.Prev}')", nameof(record));
        }

        if (record.Reports is not null && (record.Type != RecordTypes.TelemetryDropped || record.Class != RecordClass.Evidence))
        {
            throw new ArgumentException($"record {record.Seq}: only a {RecordTypes.TelemetryDropped} evidence record reports drops, not a {record.Class} {record.Type}", nameof(record));
        }

        if (record.IsDropped)
        {
            throw new ArgumentException($"record {record.Seq}: a tombstone read back cannot be appended", nameof(record));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AppendOutcome>(cancellationToken);
        }

        var operation = new AppendOperation(record, cancellationToken);
        Enqueue(operation);
        return new ValueTask<AppendOutcome>(operation.Task);
    }

    public ValueTask<LedgerState> StartBootAsync(CancellationToken cancellationToken) =>
        Submit("start boot", StartBoot, cancellationToken);

    public ValueTask<ChainHead> HeadAsync(CancellationToken cancellationToken) =>
        Submit("head", () => new ChainHead(_state.LastSeq, _state.LastHash), cancellationToken);

    public ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return Submit<IReadOnlyList<OutboxRecord>>("read", () => Read(afterSeq, max), cancellationToken);
    }

    public ValueTask AcknowledgeAsync(long seq, CancellationToken cancellationToken) =>
        new(Submit("acknowledge", () => Acknowledge(seq), cancellationToken).AsTask());

    public ValueTask<long> AcknowledgedAsync(CancellationToken cancellationToken) =>
        Submit("read checkpoint", () => _state.Acknowledged, cancellationToken);

    public ValueTask<DroppedTelemetry?> EnforceBudgetsAsync(CancellationToken cancellationToken) =>
        Submit("enforce budgets", EnforceBudgets, cancellationToken);

    public ValueTask<OutboxDepth> DepthAsync(CancellationToken cancellationToken) =>
        Submit("depth", () =>
        {
            Limits(_state); // measures the room, so a disk that freed up (or filled) shows without waiting for an append
            return new OutboxDepth(_state.EvidenceRecords, _state.EvidenceBytes, _state.TelemetryRecords, _state.TelemetryBytes) { DiskFull = _diskFull || _sqliteFull };
        }, cancellationToken);

    /// <summary>Reads a pragma of the outbox's own connection (tests check the durability settings with it).</summary>
    internal ValueTask<string> PragmaAsync(string name) =>
        Submit("pragma", () => PragmaNow(name), CancellationToken.None);

    /// <summary>Runs <c>PRAGMA <paramref name="body"/></c> on the connection (the writer loop's thread, or before it starts).</summary>
    private string PragmaNow(string body)
    {
        using var command = Command(null, $"PRAGMA {body};");
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>Stops taking requests, finishes every queued one, stops the writer loop and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _insert.Dispose();
        _freePages.Dispose();
        _connection.Dispose();
        Log.Closed(_logger, _path, TransactionCount);
    }

    private ValueTask<T> Submit<T>(string name, Func<T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        var operation = new SingleOperation<T>(name, body);
        Enqueue(operation);
        return new ValueTask<T>(operation.Task.WaitAsync(cancellationToken));
    }

    private void Enqueue(OutboxOperation operation)
    {
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteOutbox), $"outbox '{_path}' is closed");
        }
    }

    /// <summary>The writer loop: every failure is handed to the callers it concerns; the loop itself keeps going.</summary>
    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<AppendOperation>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var operation))
            {
                if (operation is AppendOperation append)
                {
                    if (append.TryClaim())
                    {
                        batch.Add(append);
                        if (batch.Count == MaxBatch)
                        {
                            Flush(batch);
                        }
                    }

                    continue;
                }

                Flush(batch);
                RunSingle((SingleOperation)operation);
            }

            Flush(batch);
        }
    }

    private void RunSingle(SingleOperation operation)
    {
        try
        {
            operation.Run();
        }
        catch (SqliteException e)
        {
            Log.OperationFailed(_logger, _path, operation.Name, e);
            operation.Fail(OutboxSchema.Wrap(_path, operation.Name, e));
        }
        catch (ArgumentException e)
        {
            operation.Fail(e); // the caller's mistake, not the outbox's: theirs to log
        }
#pragma warning disable CA1031 // the loop must outlive any one request; the failure goes to its caller
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.OperationFailed(_logger, _path, operation.Name, e);
            operation.Fail(e);
        }
    }

    private void Flush(List<AppendOperation> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            CommitAppends(batch);
        }
        catch (SqliteException full) when (full.SqliteErrorCode == SqliteFull)
        {
            _insert.Transaction = null;
            RetryFull(batch, full);
        }
        catch (SqliteException e)
        {
            Log.OperationFailed(_logger, _path, "append", e);
            var failure = OutboxSchema.Wrap(_path, "append", e);
            batch.ForEach(a => a.Fail(failure));
        }
#pragma warning disable CA1031 // the loop must outlive any one batch; the failure goes to its callers
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.OperationFailed(_logger, _path, "append", e);
            batch.ForEach(a => a.Fail(e));
        }
        finally
        {
            _insert.Transaction = null;
            batch.Clear();
        }
    }

    /// <summary>
    /// SQLite found no room for the batch (rolled back, nothing stored): from now on telemetry is refused and the retry
    /// drops every live telemetry record first. A batch that still does not fit fails: its evidence was not stored, and
    /// the callers are told so with an <see cref="IOException"/> (their records can be appended again).
    /// </summary>
    private void RetryFull(List<AppendOperation> batch, SqliteException full)
    {
        if (!_sqliteFull)
        {
            Log.DiskFull(_logger, _path, batch.Count, full.Message);
        }

        _sqliteFull = true;
        try
        {
            CommitAppends(batch, full: true);
        }
        catch (SqliteException e)
        {
            Log.OperationFailed(_logger, _path, "append on a full disk", e);
            var failure = OutboxSchema.Wrap(_path, "append (the disk is full even with all telemetry dropped)", e);
            batch.ForEach(a => a.Fail(failure));
        }
#pragma warning disable CA1031 // called from Flush's handler: nothing may escape to the writer loop; the failure goes to the callers
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.OperationFailed(_logger, _path, "append on a full disk", e);
            batch.ForEach(a => a.Fail(e));
        }
    }

    /// <summary>The caps for the next transaction: the configured ones, or less when the disk holds less.</summary>
    private (long MaxBytes, long MaxTelemetryBytes) Limits(in OutboxState s, bool full = false)
    {
        var maxBytes = _options.MaxBytes;
        var maxTelemetry = _options.MaxTelemetryBytes;
        if (_room.Measure(Convert.ToInt64(_freePages.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), _pageSize) is { } room)
        {
            // Below twice the evidence reserve telemetry holds what it holds: each new record drops the oldest (a window
            // of the newest); within the reserve it is refused, since a dropped record gives little disk back (DiskRoom)
            // and evidence needs the reserve.
            maxBytes = Math.Min(maxBytes, s.TotalBytes + Math.Max(0, room - _room.EvidenceReserve) / DiskRoom.Overhead);
            if (room < 2 * _room.EvidenceReserve)
            {
                maxTelemetry = Math.Min(maxTelemetry, s.TelemetryBytes);
            }
            NoteRoom(room);
        }

        if (full || _sqliteFull)
        {
            (maxBytes, maxTelemetry) = (Math.Min(maxBytes, s.TotalBytes), 0);
        }

        return (maxBytes, maxTelemetry);
    }

    /// <summary>
    /// Turns <see cref="OutboxDepth.DiskFull"/> on below twice the evidence reserve (where telemetry starts to be
    /// dropped), off at three times it (and ends a SQLITE_FULL).
    /// </summary>
    private void NoteRoom(long room)
    {
        if (!_diskFull && room < 2 * _room.EvidenceReserve)
        {
            _diskFull = true;
            Log.DiskLow(_logger, _path, Math.Max(0, room), _room.EvidenceReserve);
        }
        else if ((_diskFull || _sqliteFull) && room >= 3 * _room.EvidenceReserve)
        {
            (_diskFull, _sqliteFull) = (false, false);
            Log.DiskRoomBack(_logger, _path, room);
        }
    }

    /// <summary>Writes a batch in one transaction; callers are completed only after the commit returned.</summary>
    private void CommitAppends(List<AppendOperation> batch, bool full = false)
    {
        var s = _state;
        var (maxBytes, maxTelemetry) = Limits(s, full);
        var results = new (AppendOutcome Outcome, Exception? Error)[batch.Count];
        var refused = false;
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using (var transaction = _connection.BeginTransaction())
        {
            _insert.Transaction = transaction;
            if (full || _sqliteFull)
            {
                DropOldestTelemetry(transaction, ref s, x => x.TelemetryBytes > 0); // whatever room dropping gives back
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch[i].Record;
                if (record.Seq != s.LastSeq + 1 || !string.Equals(record.Prev, s.LastHash, StringComparison.Ordinal))
                {
                    results[i].Error = new NotNextLinkException(
                        $"outbox '{_path}': record seq {record.Seq} naming prev {record.Prev} is not the next link: the head is seq {s.LastSeq} " +
                        $"with hash {s.LastHash}, so the next record must be seq {s.LastSeq + 1} naming that hash; nothing was stored");
                    continue;
                }

                if (record.Reports is { } report && !s.TrySubtract(report))
                {
                    results[i].Error = new ArgumentException(
                        $"outbox '{_path}': record seq {record.Seq} reports {report}, which is not what is pending ({s.Pending?.ToString() ?? "nothing"}); nothing was stored");
                    continue;
                }

                var size = record.Payload.Length;
                if (record.Class == RecordClass.Telemetry && s.TotalBytes + size > maxBytes)
                {
                    Insert(record, at, tombstone: true);
                    s.AddRefused(record.Seq, size);
                    results[i].Outcome = AppendOutcome.TelemetryRefused;
                    refused = true;
                }
                else
                {
                    Insert(record, at, tombstone: false);
                    if (record.Class == RecordClass.Telemetry)
                    {
                        s.TelemetryRecords++;
                        s.TelemetryBytes += size;
                        DropOldestTelemetry(transaction, ref s, x => x.TelemetryBytes > maxTelemetry);
                    }
                    else
                    {
                        s.EvidenceRecords++;
                        s.EvidenceBytes += size;
                        // The configured budget only: within the disk's, evidence has the evidence reserve, and dropping
                        // telemetry for it would give little disk back and could hit records already on their way to the hub.
                        DropOldestTelemetry(transaction, ref s, x => x.TotalBytes > _options.MaxBytes);
                    }

                    results[i].Outcome = AppendOutcome.Stored;
                }

                (s.LastSeq, s.LastHash) = (record.Seq, record.Hash);
                if (s.ActivationSeq is null && record.Type == RecordTypes.DeviceActivated)
                {
                    s.ActivationSeq = record.Seq;
                }
            }

            if (s.LastSeq != _state.LastSeq)
            {
                using var checkpoint = Command(transaction,
                    "UPDATE checkpoint SET last_appended_seq = $v, last_hash = $h, activation_seq = $a WHERE id = 1", s.LastSeq);
                checkpoint.Parameters.AddWithValue("$h", s.LastHash);
                checkpoint.Parameters.AddWithValue("$a", (object?)s.ActivationSeq ?? DBNull.Value);
                checkpoint.ExecuteNonQuery();
            }

            if (!ReferenceEquals(s.Drops, _state.Drops))
            {
                SaveDrops(transaction, s);
            }

            transaction.Commit();
        }

        _state = s;
        Interlocked.Increment(ref _transactions);
        NoteBudgetState(s, refused, storedTelemetry: Array.Exists(results, r => r.Error is null && r.Outcome == AppendOutcome.Stored), maxBytes);
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Complete(results[i].Outcome);
            }
        }
    }

    private void Insert(OutboxRecord record, long appendedAt, bool tombstone)
    {
        var p = _insert.Parameters;
        p[0].Value = record.Seq;
        p[1].Value = (long)record.Class;
        p[2].Value = record.Type;
        p[3].Value = record.Hash;
        p[4].Value = record.Prev;
        p[5].Value = tombstone ? DBNull.Value : AsArray(record.Payload);
        p[6].Value = tombstone ? 0L : record.Payload.Length;
        p[7].Value = appendedAt;
        _insert.ExecuteNonQuery();
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    private static bool IsHash(string? value) =>
        value is { Length: 64 } && !value.AsSpan().ContainsAnyExcept(LowerHex);

    /// <summary>Drops telemetry to tombstones, oldest seq first, while <paramref name="tooMuch"/> holds for what would remain.</summary>
    private void DropOldestTelemetry(SqliteTransaction transaction, ref OutboxState s, Func<OutboxState, bool> tooMuch)
    {
        if (s.TelemetryBytes == 0 || !tooMuch(s))
        {
            return;
        }

        long count = 0, first = 0, last = 0, bytes = 0;
        var remaining = s;
        using (var select = Command(transaction, $"SELECT seq, bytes FROM records WHERE {LiveTelemetry} ORDER BY seq"))
        using (var reader = select.ExecuteReader())
        {
            while (tooMuch(remaining) && reader.Read())
            {
                last = reader.GetInt64(0);
                var size = reader.GetInt64(1);
                first = count == 0 ? last : first;
                count++;
                bytes += size;
                remaining.TelemetryBytes -= size;
            }
        }

        if (count > 0)
        {
            Execute(transaction, $"UPDATE records SET payload = NULL, bytes = 0 WHERE {LiveTelemetry} AND seq <= $v", last);
            s.AddDropped(count, first, last, bytes);
        }
    }

    private void DropExpiredTelemetry(SqliteTransaction transaction, ref OutboxState s, long cutoff)
    {
        using var select = Command(transaction,
            $"SELECT count(*), min(seq), max(seq), coalesce(sum(bytes), 0) FROM records WHERE {LiveTelemetry} AND appended_at < $v", cutoff);
        using var reader = select.ExecuteReader();
        reader.Read();
        var count = reader.GetInt64(0);
        if (count > 0)
        {
            Execute(transaction, $"UPDATE records SET payload = NULL, bytes = 0 WHERE {LiveTelemetry} AND appended_at < $v", cutoff);
            s.AddDropped(count, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
    }

    private DroppedTelemetry? EnforceBudgets()
    {
        var s = _state;
        var cutoff = (_time.GetUtcNow() - _options.MaxTelemetryAge).ToUnixTimeMilliseconds();
        // The configured caps only: the disk's are applied as records come (DiskRoom: dropping gives little disk back,
        // refusing new telemetry is what stops the growth). Dropped here, while a backlog drains, a record already sent
        // to the hub would be reported as dropped and still arrive whole.
        using (var transaction = _connection.BeginTransaction())
        {
            DropExpiredTelemetry(transaction, ref s, cutoff);
            DropOldestTelemetry(transaction, ref s, x => x.TelemetryBytes > _options.MaxTelemetryBytes || x.TotalBytes > _options.MaxBytes);
            s.Seal();
            if (ReferenceEquals(s.Drops, _state.Drops))
            {
                return s.Pending; // nothing new: the same report as last time (or none), nothing to write
            }

            SaveDrops(transaction, s);
            transaction.Commit();
        }

        _state = s;
        Interlocked.Increment(ref _transactions);
        var report = s.Pending!;
        Log.TelemetryDropped(_logger, _path, report.Count, report.FirstSeq, report.LastSeq, report.Bytes);
        return report;
    }

    private LedgerState StartBoot()
    {
        var s = _state;
        using (var transaction = _connection.BeginTransaction())
        {
            s.Boot++;
            Execute(transaction, "UPDATE checkpoint SET boot = $v WHERE id = 1", s.Boot);
            transaction.Commit();
        }

        _state = s;
        Interlocked.Increment(ref _transactions);
        Log.BootStarted(_logger, _path, s.Boot, s.LastSeq, s.Acknowledged);
        return new LedgerState(s.Boot, new ChainHead(s.LastSeq, s.LastHash), s.ActivationSeq, s.Acknowledged);
    }

    /// <summary>
    /// Rows deleted per transaction by an acknowledgement: a transaction's pages all go to the WAL before the next
    /// checkpoint can run, so deleting a long outage's backlog at once would need a WAL as large as the file (on a full
    /// disk that fails). 128 rows touch about 30 pages, so a step is the rows whose pages fit the WAL's checkpoint size
    /// (<see cref="DiskRoom.WalPages"/>, about 4 rows a page), at least 128: on a 3 MiB disk 128, on any disk of 128 MiB
    /// and more 4,000, so that a batch's acknowledgement (500 records by default) stays one transaction and one fsync.
    /// Each step is durable on its own (the acknowledged seq moves with it).
    /// </summary>
    private long AcknowledgeStep => Math.Max(128, 4L * _room.WalPages);

    private bool Acknowledge(long seq)
    {
        var s = _state;
        if (seq <= s.Acknowledged)
        {
            return false; // already acknowledged: acknowledgements are idempotent
        }

        if (seq > s.LastSeq)
        {
            throw new ArgumentOutOfRangeException(nameof(seq), seq,
                $"outbox '{_path}': acknowledgement of seq {seq} is above the highest appended seq {s.LastSeq}");
        }

        while (s.Acknowledged < seq)
        {
            var upTo = Math.Min(seq, s.Acknowledged + AcknowledgeStep);
            using (var transaction = _connection.BeginTransaction())
            {
                using (var sums = Command(transaction,
                    "SELECT class, count(*), coalesce(sum(bytes), 0) FROM records WHERE seq <= $v GROUP BY class", upTo))
                using (var reader = sums.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        if (reader.GetInt64(0) == EvidenceClass)
                        {
                            s.EvidenceRecords -= reader.GetInt64(1);
                            s.EvidenceBytes -= reader.GetInt64(2);
                        }
                        else
                        {
                            s.TelemetryRecords -= reader.GetInt64(1);
                            s.TelemetryBytes -= reader.GetInt64(2);
                        }
                    }
                }

                Execute(transaction, "DELETE FROM records WHERE seq <= $v", upTo);
                Execute(transaction, "UPDATE checkpoint SET acknowledged_seq = $v WHERE id = 1", upTo);
                transaction.Commit();
            }

            s.Acknowledged = upTo;
            _state = s; // each step is committed: the mirror follows it, so a failed later step leaves it true
            Interlocked.Increment(ref _transactions);
        }

        if (_sqliteFull && _room.Measure(0, _pageSize) is null)
        {
            _sqliteFull = false; // the room cannot be measured: the acknowledged rows' pages are the room that came back
        }

        return true;
    }

    private List<OutboxRecord> Read(long afterSeq, int max)
    {
        using var command = Command(null, "SELECT seq, class, type, hash, prev, payload FROM records WHERE seq > $v ORDER BY seq LIMIT $max", afterSeq);
        command.Parameters.AddWithValue("$max", max);
        var records = new List<OutboxRecord>(Math.Min(max, 256));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var dropped = reader.IsDBNull(5);
            records.Add(new OutboxRecord(reader.GetInt64(0), (RecordClass)reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                dropped ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(5))
            {
                IsDropped = dropped,
            });
        }

        return records;
    }

    private void NoteBudgetState(OutboxState s, bool refused, bool storedTelemetry, long refusedAbove)
    {
        if (refused && !_refusingTelemetry)
        {
            Log.TelemetryRefused(_logger, _path, s.TotalBytes, refusedAbove);
        }

        _refusingTelemetry = refused || (_refusingTelemetry && !storedTelemetry);

        var over = s.TotalBytes > _options.MaxBytes;
        if (over && !_evidenceOverBudget)
        {
            Log.EvidenceOverBudget(_logger, _path, s.EvidenceBytes, _options.MaxBytes);
        }

        _evidenceOverBudget = over;
    }

    private OutboxState LoadState()
    {
        var s = default(OutboxState);
        using (var command = Command(null, "SELECT acknowledged_seq, last_appended_seq, last_hash, boot, activation_seq FROM checkpoint WHERE id = 1"))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                throw new IOException($"outbox '{_path}' has no checkpoint row; the file is damaged");
            }

            s.Acknowledged = reader.GetInt64(0);
            s.LastSeq = reader.GetInt64(1);
            s.LastHash = reader.GetString(2);
            s.Boot = reader.GetInt64(3);
            s.ActivationSeq = reader.IsDBNull(4) ? null : reader.GetInt64(4);
        }

        var drops = new List<DropRange>();
        using (var command = Command(null, "SELECT count, first_seq, last_seq, bytes, sealed FROM pending_drops ORDER BY id"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                drops.Add(new DropRange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4) != 0));
            }
        }

        s.Drops = [.. drops];
        using (var command = Command(null, "SELECT class, count(*), coalesce(sum(bytes), 0), max(seq) FROM records GROUP BY class"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var (records, bytes) = (reader.GetInt64(1), reader.GetInt64(2));
                if (reader.GetInt64(0) == EvidenceClass)
                {
                    (s.EvidenceRecords, s.EvidenceBytes) = (records, bytes);
                }
                else
                {
                    (s.TelemetryRecords, s.TelemetryBytes) = (records, bytes);
                }

                if (reader.GetInt64(3) > s.LastSeq)
                {
                    throw new IOException($"outbox '{_path}' holds seq {reader.GetInt64(3)} above its head seq {s.LastSeq}; the file is damaged");
                }
            }
        }

        return s;
    }

    private void SaveDrops(SqliteTransaction transaction, OutboxState s)
    {
        using (var clear = Command(transaction, "DELETE FROM pending_drops"))
        {
            clear.ExecuteNonQuery();
        }

        using var command = Command(transaction, "INSERT INTO pending_drops (count, first_seq, last_seq, bytes, sealed) VALUES ($c, $f, $l, $b, $s)");
        foreach (var name in new[] { "$c", "$f", "$l", "$b", "$s" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        foreach (var d in s.Drops)
        {
            (command.Parameters[0].Value, command.Parameters[1].Value, command.Parameters[2].Value) = (d.Count, d.FirstSeq, d.LastSeq);
            (command.Parameters[3].Value, command.Parameters[4].Value) = (d.Bytes, d.Sealed ? 1L : 0L);
            command.ExecuteNonQuery();
        }
    }

    private void Execute(SqliteTransaction transaction, string sql, long value)
    {
        using var command = Command(transaction, sql, value);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, long? value = null)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (value is { } v)
        {
            command.Parameters.AddWithValue("$v", v);
        }

        return command;
    }
}
