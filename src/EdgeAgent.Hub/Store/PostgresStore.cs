using System.Globalization;
using EdgeAgent.Contracts.Records;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAgent.Hub.Store;

/// <summary>
/// The chain store in PostgreSQL, shared by several ingestion workers (<c>edgehub serve --store postgres://...</c>).
/// The same tables as <see cref="HubStore"/>'s chain part, plus <c>parked_batches</c>. A worker serialises its group with
/// every other worker's per device (<see cref="LockDevices"/>: transaction-scoped advisory locks taken in one sorted
/// order, so two workers never deadlock on them). Writes of a group are queued and sent in one round trip — records as
/// one multi-row insert over arrays — before any read that needs them and at commit; counters are added at commit in
/// reason order (the only rows two workers' groups both write). One connection, not thread-safe.
/// </summary>
internal sealed class PostgresStore : IChainStore, IParkedBatches
{
    /// <summary>The version <see cref="Open"/> brings a database to: the number of <see cref="Migrations"/>.</summary>
    public const int SchemaVersion = 1;

    // Any constant both workers agree on: the lock that serialises schema migrations at open.
    private const long MigrationLock = 0x6564676568756201;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS devices (device_id text PRIMARY KEY, product_id text NOT NULL, public_key_pem text NOT NULL, key_id text NOT NULL, enrolled_at_ms bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS records (device_id text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, prev text NOT NULL, boot bigint NOT NULL, mono_ms bigint NOT NULL,
            wall_ms bigint NULL, time_src text NOT NULL, type text NOT NULL, payload bytea NULL, received_at_ms bigint NOT NULL, PRIMARY KEY (device_id, seq));
        CREATE TABLE IF NOT EXISTS heads (device_id text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL, drops_reported_to bigint NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS checkpoints (device_id text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, key_id text NOT NULL, sig text NOT NULL, received_at_ms bigint NOT NULL, PRIMARY KEY (device_id, seq));
        CREATE TABLE IF NOT EXISTS rejections (id bigserial PRIMARY KEY, device_id text NOT NULL, seq bigint NOT NULL, reason text NOT NULL, detail text NOT NULL, topic text NOT NULL, payload bytea NULL, received_at_ms bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS rejections_device ON rejections (device_id, id);
        CREATE TABLE IF NOT EXISTS counters (reason text PRIMARY KEY, n bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS boot_anchors (device_id text NOT NULL, boot bigint NOT NULL, offset_ms bigint NOT NULL, err_ms bigint NOT NULL, PRIMARY KEY (device_id, boot));
        CREATE TABLE IF NOT EXISTS parked_batches (device_id text NOT NULL, first_seq bigint NOT NULL, topic text NOT NULL, payload bytea NOT NULL, parked_at_ms bigint NOT NULL, PRIMARY KEY (device_id, first_seq));
        CREATE INDEX IF NOT EXISTS parked_batches_age ON parked_batches (parked_at_ms);
        """,
    ];

    private readonly NpgsqlConnection _connection;
    private readonly List<NpgsqlBatchCommand> _queued = [];
    private readonly RecordColumns _records = new();
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Seq, string Hash, long DropsReportedTo)?> _heads = new(StringComparer.Ordinal);
    private NpgsqlTransaction? _transaction;

    private PostgresStore(NpgsqlConnection connection, string location)
    {
        _connection = connection;
        Location = location;
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <summary>Connects to the database <paramref name="uri"/> names (<see cref="PostgresLocation"/>) and brings its schema to <see cref="SchemaVersion"/>.</summary>
    /// <exception cref="ArgumentException">The URI is not a PostgreSQL one; the message says what is expected.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the login.</exception>
    public static PostgresStore Open(string uri)
    {
        if (!PostgresLocation.TryParse(uri, out var connectionString, out var display, out var problem))
        {
            throw new ArgumentException($"--store {problem}", nameof(uri));
        }

        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var store = new PostgresStore(connection, display);
        try
        {
            store.Migrate();
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    private void Migrate()
    {
        using var tx = _connection.BeginTransaction();
        using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock}); CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)", _connection, tx))
        {
            lockCmd.ExecuteNonQuery();
        }

        using var read = new NpgsqlCommand("SELECT max(version) FROM schema_version", _connection, tx);
        var version = read.ExecuteScalar() is int v ? v : 0;
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"database {Location} has schema version {version}; this edgehub knows version {SchemaVersion}");
        }

        for (var step = version; step < Migrations.Length; step++)
        {
            using var cmd = new NpgsqlCommand(Migrations[step] + $"DELETE FROM schema_version; INSERT INTO schema_version VALUES ({step + 1});", _connection, tx);
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    // ---- devices

    /// <inheritdoc/>
    public bool Enroll(DeviceRow device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (FindDevice(device.DeviceId) is { } existing)
        {
            if (existing.KeyId == device.KeyId && existing.ProductId == device.ProductId)
            {
                return false;
            }

            throw new InvalidOperationException(existing.KeyId != device.KeyId
                ? $"device {device.DeviceId} is already enrolled with key {existing.KeyId}; refusing key {device.KeyId} (a device keeps one key for life)"
                : $"device {device.DeviceId} is already enrolled as product {existing.ProductId}, not {device.ProductId}");
        }

        using var cmd = Command("INSERT INTO devices (device_id, product_id, public_key_pem, key_id, enrolled_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO NOTHING",
            device.DeviceId, device.ProductId, device.PublicKeyPem, device.KeyId, device.EnrolledAtMs);
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc/>
    public DeviceRow? FindDevice(string deviceId)
    {
        Flush();
        using var cmd = Command("SELECT device_id, product_id, public_key_pem, key_id, enrolled_at_ms FROM devices WHERE device_id = $1", deviceId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new DeviceRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)) : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<DeviceRow> FindDevices(IReadOnlyCollection<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        Flush();
        using var cmd = Command("SELECT device_id, product_id, public_key_pem, key_id, enrolled_at_ms FROM devices WHERE device_id = ANY($1::text[])", (object)deviceIds.ToArray());
        return ReadDevices(cmd);
    }

    /// <inheritdoc/>
    public IReadOnlyList<DeviceRow> Devices()
    {
        using var cmd = Command("SELECT device_id, product_id, public_key_pem, key_id, enrolled_at_ms FROM devices ORDER BY device_id");
        return ReadDevices(cmd);
    }

    private static List<DeviceRow> ReadDevices(NpgsqlCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<DeviceRow>();
        while (r.Read())
        {
            list.Add(new DeviceRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        }

        return list;
    }

    // ---- chain

    /// <inheritdoc/>
    public void BeginWrite()
    {
        _transaction = _connection.BeginTransaction();
        _heads.Clear();
    }

    /// <inheritdoc/>
    public void CommitWrite()
    {
        Flush();
        if (_counts.Count > 0)
        {
            // One statement, reasons in order: two workers' commits lock the counter rows they share in the same order.
            using var cmd = Command("INSERT INTO counters (reason, n) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (reason) DO UPDATE SET n = counters.n + excluded.n",
                _counts.Keys.ToArray(), _counts.Values.ToArray());
            cmd.ExecuteNonQuery();
        }

        _transaction?.Commit();
        EndWrite();
    }

    /// <inheritdoc/>
    public void RollbackWrite()
    {
        try
        {
            if (_transaction is not null && _connection.State == System.Data.ConnectionState.Open)
            {
                _transaction.Rollback();
            }
        }
        finally
        {
            EndWrite();
        }
    }

    /// <inheritdoc/>
    public void LockDevices(IReadOnlyCollection<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        if (deviceIds.Count == 0)
        {
            return;
        }

        // The subquery sorts before the outer select takes each lock (a volatile function is not pulled into the sort).
        using var batch = new NpgsqlBatch(_connection, _transaction);
        var ids = deviceIds.Distinct(StringComparer.Ordinal).ToArray();
        batch.BatchCommands.Add(BatchCommand("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(d, 0) AS k FROM unnest($1::text[]) d ORDER BY k) s", (object)ids));
        batch.BatchCommands.Add(BatchCommand("SELECT device_id, seq, hash, drops_reported_to FROM heads WHERE device_id = ANY($1::text[])", (object)ids));
        using var r = batch.ExecuteReader();
        r.NextResult();
        foreach (var id in ids)
        {
            _heads[id] = null;
        }

        while (r.Read())
        {
            _heads[r.GetString(0)] = (r.GetInt64(1), r.GetString(2), r.GetInt64(3));
        }
    }

    /// <inheritdoc/>
    public (long Seq, string Hash, long DropsReportedTo)? Head(string deviceId)
    {
        if (_transaction is not null && _heads.TryGetValue(deviceId, out var cached))
        {
            return cached;
        }

        Flush();
        using var cmd = Command("SELECT seq, hash, drops_reported_to FROM heads WHERE device_id = $1", deviceId);
        using var r = cmd.ExecuteReader();
        var head = r.Read() ? (r.GetInt64(0), r.GetString(1), r.GetInt64(2)) : ((long, string, long)?)null;
        if (_transaction is not null)
        {
            _heads[deviceId] = head;
        }

        return head;
    }

    /// <inheritdoc/>
    public void SetHead(string deviceId, long seq, string hash, long dropsReportedTo)
    {
        Queue("INSERT INTO heads (device_id, seq, hash, drops_reported_to) VALUES ($1, $2, $3, $4) ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, drops_reported_to = excluded.drops_reported_to",
            deviceId, seq, hash, dropsReportedTo);
        _heads[deviceId] = (seq, hash, dropsReportedTo);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<long, string> HeldHashes(string deviceId, long fromSeq, long toSeq)
    {
        Flush();
        using var cmd = Command("SELECT seq, hash FROM records WHERE device_id = $1 AND seq BETWEEN $2 AND $3", deviceId, fromSeq, toSeq);
        using var r = cmd.ExecuteReader();
        var held = new Dictionary<long, string>();
        while (r.Read())
        {
            held[r.GetInt64(0)] = r.GetString(1);
        }

        return held;
    }

    /// <inheritdoc/>
    public void AddRecord(RecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _records.Add(row);
    }

    /// <inheritdoc/>
    public void InsertCheckpoint(string deviceId, long seq, string hash, string keyId, string sig, long receivedAtMs) =>
        Queue("INSERT INTO checkpoints (device_id, seq, hash, key_id, sig, received_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device_id, seq) DO NOTHING",
            deviceId, seq, hash, keyId, sig, receivedAtMs);

    /// <inheritdoc/>
    public void InsertRejection(string deviceId, long seq, string reason, string detail, string topic, byte[]? payload, long receivedAtMs)
    {
        var cmd = BatchCommand("INSERT INTO rejections (device_id, seq, reason, detail, topic, payload, received_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            deviceId, seq, reason, detail, topic, null, receivedAtMs);
        cmd.Parameters[5] = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)payload ?? DBNull.Value };
        _queued.Add(cmd);
        Count(reason);
    }

    /// <inheritdoc/>
    public void Count(string reason) => _counts[reason] = _counts.GetValueOrDefault(reason) + 1;

    /// <inheritdoc/>
    public long TombstonesBetween(string deviceId, long from, long to)
    {
        Flush();
        using var cmd = Command("SELECT count(*) FROM records WHERE device_id = $1 AND seq BETWEEN $2 AND $3 AND payload IS NULL", deviceId, from, to);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public void UpsertAnchor(string deviceId, long boot, long offsetMs, long errMs) =>
        Queue("INSERT INTO boot_anchors (device_id, boot, offset_ms, err_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (device_id, boot) DO UPDATE SET offset_ms = excluded.offset_ms, err_ms = excluded.err_ms WHERE excluded.err_ms < boot_anchors.err_ms",
            deviceId, boot, offsetMs, errMs);

    // ---- parked batches

    /// <inheritdoc/>
    public void Park(ParkedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Queue("INSERT INTO parked_batches (device_id, first_seq, topic, payload, parked_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, first_seq) DO NOTHING",
            batch.DeviceId, batch.FirstSeq, batch.Topic, batch.Payload, batch.ParkedAtMs);
    }

    /// <summary>The device's parked batches in first-seq order (what is left parked: ingestion itself asks <see cref="ParkedReady"/>).</summary>
    public IReadOnlyList<ParkedBatch> Parked(string deviceId)
    {
        Flush();
        using var cmd = Command("SELECT device_id, first_seq, topic, payload, parked_at_ms FROM parked_batches WHERE device_id = $1 ORDER BY first_seq", deviceId);
        return ReadParked(cmd);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ParkedBatch> ParkedReady(IReadOnlyDictionary<string, long> nextSeq, long? parkedBeforeMs)
    {
        ArgumentNullException.ThrowIfNull(nextSeq);
        if (nextSeq.Count == 0)
        {
            return [];
        }

        Flush();
        var devices = new string[nextSeq.Count];
        var next = new long[nextSeq.Count];
        var i = 0;
        foreach (var (device, seq) in nextSeq)
        {
            (devices[i], next[i]) = (device, seq);
            i++;
        }

        using var cmd = Command(
            "SELECT p.device_id, p.first_seq, p.topic, p.payload, p.parked_at_ms FROM parked_batches p JOIN unnest($1::text[], $2::bigint[]) AS n(device_id, next_seq) " +
            "ON p.device_id = n.device_id WHERE p.first_seq <= n.next_seq OR p.parked_at_ms <= $3 ORDER BY p.device_id, p.first_seq",
            devices, next, parkedBeforeMs ?? long.MinValue);
        return ReadParked(cmd);
    }

    private static List<ParkedBatch> ReadParked(NpgsqlCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<ParkedBatch>();
        while (r.Read())
        {
            list.Add(new ParkedBatch(r.GetString(0), r.GetInt64(1), r.GetString(2), (byte[])r[3], r.GetInt64(4)));
        }

        return list;
    }

    /// <inheritdoc/>
    public void Unpark(string deviceId, long firstSeq) => Queue("DELETE FROM parked_batches WHERE device_id = $1 AND first_seq = $2", deviceId, firstSeq);

    /// <inheritdoc/>
    public IReadOnlyList<string> DevicesParkedBefore(long parkedBeforeMs, int limit)
    {
        using var cmd = Command("SELECT DISTINCT device_id FROM parked_batches WHERE parked_at_ms <= $1 ORDER BY device_id LIMIT $2", parkedBeforeMs, limit);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    // ---- queries

    /// <inheritdoc/>
    public IReadOnlyList<RecordRow> Records(string deviceId, long fromSeq)
    {
        using var cmd = Command("SELECT device_id, seq, hash, prev, boot, mono_ms, wall_ms, time_src, type, payload, received_at_ms FROM records WHERE device_id = $1 AND seq >= $2 ORDER BY seq", deviceId, fromSeq);
        using var r = cmd.ExecuteReader();
        var list = new List<RecordRow>();
        while (r.Read())
        {
            list.Add(StoreRows.Record(r));
        }

        return list;
    }

    /// <inheritdoc/>
    public IReadOnlyList<BootAnchorRow> Anchors(string deviceId)
    {
        using var cmd = Command("SELECT boot, offset_ms, err_ms FROM boot_anchors WHERE device_id = $1 ORDER BY boot", deviceId);
        using var r = cmd.ExecuteReader();
        var list = new List<BootAnchorRow>();
        while (r.Read())
        {
            list.Add(StoreRows.Anchor(r));
        }

        return list;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<long, (long MinMono, long MaxMono)> BootSpans(string deviceId)
    {
        using var cmd = Command("SELECT boot, min(mono_ms), max(mono_ms) FROM records WHERE device_id = $1 GROUP BY boot", deviceId);
        using var r = cmd.ExecuteReader();
        return StoreRows.BootSpans(r);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, long> Counters()
    {
        using var cmd = Command("SELECT reason, n FROM counters ORDER BY reason");
        using var r = cmd.ExecuteReader();
        return StoreRows.Counters(r);
    }

    /// <inheritdoc/>
    public (IReadOnlyDictionary<string, long> PerReason, IReadOnlyList<RejectionRow> Latest) Rejections(string? deviceId, int latest)
    {
        var filter = deviceId is null ? "" : " WHERE device_id = $2";
        object[] args = deviceId is null ? [latest] : [latest, deviceId];
        var perReason = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = Command($"SELECT reason, count(*) FROM rejections{filter.Replace("$2", "$1", StringComparison.Ordinal)} GROUP BY reason ORDER BY reason", deviceId is null ? [] : [deviceId]))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                perReason[r.GetString(0)] = r.GetInt64(1);
            }
        }

        var rows = new List<RejectionRow>();
        using (var cmd = Command($"SELECT id, device_id, seq, reason, detail, topic, received_at_ms FROM rejections{filter} ORDER BY id DESC LIMIT $1", args))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add(StoreRows.Rejection(r));
            }
        }

        return (perReason, rows);
    }

    public void Dispose()
    {
        EndWrite();
        _connection.Dispose();
    }

    private void EndWrite()
    {
        _transaction?.Dispose();
        _transaction = null;
        _queued.Clear();
        _records.Clear();
        _counts.Clear();
        _heads.Clear();
    }

    /// <summary>Sends every queued write in one round trip (records first: the other writes may name them).</summary>
    private void Flush()
    {
        if (_records.Count == 0 && _queued.Count == 0)
        {
            return;
        }

        using var batch = new NpgsqlBatch(_connection, _transaction);
        if (_records.Count > 0)
        {
            batch.BatchCommands.Add(_records.InsertCommand());
        }

        foreach (var cmd in _queued)
        {
            batch.BatchCommands.Add(cmd);
        }

        batch.ExecuteNonQuery();
        _queued.Clear();
        _records.Clear();
    }

    private void Queue(string sql, params object?[] values) => _queued.Add(BatchCommand(sql, values));

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }

        return cmd;
    }

    private NpgsqlCommand Command(string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, _connection, _transaction);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }

        return cmd;
    }

    /// <summary>A group's records as columns, inserted as one statement over arrays (<c>unnest</c>).</summary>
    private sealed class RecordColumns
    {
        private readonly List<RecordRow> _rows = [];

        public int Count => _rows.Count;

        public void Add(RecordRow row) => _rows.Add(row);

        public void Clear() => _rows.Clear();

        public NpgsqlBatchCommand InsertCommand()
        {
            var cmd = new NpgsqlBatchCommand(
                "INSERT INTO records (device_id, seq, hash, prev, boot, mono_ms, wall_ms, time_src, type, payload, received_at_ms) " +
                "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::bytea[], $11::bigint[]) " +
                "ON CONFLICT (device_id, seq) DO NOTHING");
            cmd.Parameters.Add(Array(NpgsqlDbType.Text, _rows.Select(r => r.DeviceId).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, _rows.Select(r => r.Seq).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Text, _rows.Select(r => r.Hash).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Text, _rows.Select(r => r.Prev).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, _rows.Select(r => r.Boot).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, _rows.Select(r => r.MonoMs).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, _rows.Select(r => r.WallMs).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Text, _rows.Select(r => r.TimeSource).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Text, _rows.Select(r => r.Type).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bytea, _rows.Select(r => r.Payload).ToArray()));
            cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, _rows.Select(r => r.ReceivedAtMs).ToArray()));
            return cmd;
        }

        private static NpgsqlParameter Array(NpgsqlDbType element, object values) => new() { NpgsqlDbType = NpgsqlDbType.Array | element, Value = values };
    }
}
