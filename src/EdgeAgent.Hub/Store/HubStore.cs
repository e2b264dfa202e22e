using System.Globalization;
using EdgeAgent.Contracts.Records;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Store;

/// <summary>An enrolled device: its product and public key.</summary>
internal sealed record DeviceRow(string DeviceId, string ProductId, string PublicKeyPem, string KeyId, long EnrolledAtMs);

/// <summary>A stored chain entry; <see cref="Payload"/> is null for a tombstone (dropped telemetry).</summary>
internal sealed record RecordRow(string DeviceId, long Seq, string Hash, string Prev, long Boot, long MonoMs, long? WallMs, string TimeSource, string Type, byte[]? Payload, long ReceivedAtMs);

/// <summary>A flagged input, kept and never counted.</summary>
internal sealed record RejectionRow(long Id, string DeviceId, long Seq, string Reason, string Detail, string Topic, long ReceivedAtMs);

/// <summary>A boot's clock anchor from an accepted <c>clock.sync</c> record: wall = mono + offset, ± err.</summary>
internal sealed record BootAnchorRow(long Boot, long OffsetMs, long ErrMs);

/// <summary>
/// The hub's SQLite database (WAL, synchronous=FULL: an acknowledgement promises the records are on disk). One instance
/// owns one connection and is not thread-safe: the ingestion writer has its own, each CLI verb opens its own.
/// </summary>
internal sealed class HubStore : IChainStore
{
    /// <summary>The version <see cref="Open"/> brings a database to: the number of <see cref="Migrations"/>.</summary>
    public const int SchemaVersion = 6;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, product_id TEXT NOT NULL, public_key_pem TEXT NOT NULL, key_id TEXT NOT NULL, enrolled_at_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS records (device_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, boot INTEGER NOT NULL, mono_ms INTEGER NOT NULL,
            wall_ms INTEGER NULL, time_src TEXT NOT NULL, type TEXT NOT NULL, payload BLOB NULL, received_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS heads (device_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, drops_reported_to INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS checkpoints (device_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, key_id TEXT NOT NULL, sig TEXT NOT NULL, received_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, seq));
        CREATE TABLE IF NOT EXISTS rejections (id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, topic TEXT NOT NULL, payload BLOB NULL, received_at_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS rejections_device ON rejections (device_id, id);
        CREATE TABLE IF NOT EXISTS counters (reason TEXT PRIMARY KEY, n INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS boot_anchors (device_id TEXT NOT NULL, boot INTEGER NOT NULL, offset_ms INTEGER NOT NULL, err_ms INTEGER NOT NULL, PRIMARY KEY (device_id, boot));
        """;

    /// <summary>Migration steps in order: step n (1-based) brings a database from user_version n-1 to n. Every statement is idempotent.</summary>
    private static readonly string[] Migrations =
    [
        Schema,
        Registry.RegistrySchema.Ddl,
        Accounts.AccountsSchema.Ddl,
        Identity.IdentitySchema.Ddl,
        Releases.ReleasesSchema.Ddl,
        Rollouts.RolloutsSchema.Ddl,
    ];

    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;
    private SqliteCommand? _insertRecord;
    private SqliteCommand? _heldHashes;
    private SqliteCommand? _insertRejection;
    private SqliteCommand? _bumpCounter;
    private SqliteCommand? _findDevice;
    private SqliteCommand? _head;
    private SqliteCommand? _setHead;
    private SqliteCommand? _insertCheckpoint;

    private HubStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    public string Path { get; }

    /// <inheritdoc/>
    public string Location => Path;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema to <see cref="SchemaVersion"/>.</summary>
    public static HubStore Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        var store = new HubStore(connection, full);
        try
        {
            store.Execute("PRAGMA journal_mode=WAL;");
            store.Execute("PRAGMA synchronous=FULL;");
            store.Execute("PRAGMA busy_timeout=5000;");
            var version = Convert.ToInt64(store.Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException($"database {full} has schema version {version}; this edgehub knows version {SchemaVersion}");
            }

            if (version < SchemaVersion)
            {
                using var tx = connection.BeginTransaction();
                for (var step = (int)version; step < Migrations.Length; step++)
                {
                    using var cmd = connection.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = Migrations[step] + $"PRAGMA user_version={step + 1};";
                    cmd.ExecuteNonQuery();
                }

                tx.Commit();
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    public object? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar();
    }

    // ---- devices

    /// <summary>Enrols a device; false (nothing changed) when it is already enrolled with this key.</summary>
    /// <exception cref="InvalidOperationException">The device is enrolled with another key or product.</exception>
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

        using var cmd = Command("INSERT INTO devices (device_id, product_id, public_key_pem, key_id, enrolled_at_ms) VALUES ($d, $p, $k, $i, $t)");
        cmd.Parameters.AddWithValue("$d", device.DeviceId);
        cmd.Parameters.AddWithValue("$p", device.ProductId);
        cmd.Parameters.AddWithValue("$k", device.PublicKeyPem);
        cmd.Parameters.AddWithValue("$i", device.KeyId);
        cmd.Parameters.AddWithValue("$t", device.EnrolledAtMs);
        cmd.ExecuteNonQuery();
        return true;
    }

    public DeviceRow? FindDevice(string deviceId)
    {
        using var r = Bind(ref _findDevice, "SELECT device_id, product_id, public_key_pem, key_id, enrolled_at_ms FROM devices WHERE device_id = $d", ("$d", deviceId)).ExecuteReader();
        return r.Read() ? new DeviceRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)) : null;
    }

    /// <summary>The enrolled devices among <paramref name="deviceIds"/>: a lookup each, which in-process SQLite answers as fast as one query.</summary>
    public IReadOnlyList<DeviceRow> FindDevices(IReadOnlyCollection<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return [.. deviceIds.Select(FindDevice).OfType<DeviceRow>()];
    }

    public IReadOnlyList<DeviceRow> Devices()
    {
        using var cmd = Command("SELECT device_id, product_id, public_key_pem, key_id, enrolled_at_ms FROM devices ORDER BY device_id");
        using var r = cmd.ExecuteReader();
        var list = new List<DeviceRow>();
        while (r.Read())
        {
            list.Add(new DeviceRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        }

        return list;
    }

    // ---- chain

    public void BeginWrite() => _transaction = _connection.BeginTransaction();

    /// <summary>
    /// Starts a read-only snapshot: every query until <see cref="EndRead"/> sees the database as it was at the first one,
    /// whatever ingestion commits meanwhile (WAL), so an export's chains, registry and reports agree.
    /// </summary>
    public void BeginRead() => _transaction = _connection.BeginTransaction(deferred: true);

    public void EndRead() => RollbackWrite();

    public void CommitWrite()
    {
        _transaction?.Commit();
        EndWrite();
    }

    public void RollbackWrite()
    {
        _transaction?.Rollback();
        EndWrite();
    }

    /// <summary>No-op: SQLite has one writer (the ingestion loop), and its write transaction holds the database.</summary>
    public void LockDevices(IReadOnlyCollection<string> deviceIds)
    {
    }

    /// <summary>The device's chain head and how far its drop reports reach (0, genesis before any record).</summary>
    public (long Seq, string Hash, long DropsReportedTo)? Head(string deviceId)
    {
        using var r = Bind(ref _head, "SELECT seq, hash, drops_reported_to FROM heads WHERE device_id = $d", ("$d", deviceId)).ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1), r.GetInt64(2)) : null;
    }

    public void SetHead(string deviceId, long seq, string hash, long dropsReportedTo)
    {
        Bind(
            ref _setHead,
            "INSERT INTO heads (device_id, seq, hash, drops_reported_to) VALUES ($d, $s, $h, $r) ON CONFLICT(device_id) DO UPDATE SET seq = $s, hash = $h, drops_reported_to = $r",
            ("$d", deviceId), ("$s", seq), ("$h", hash), ("$r", dropsReportedTo)).ExecuteNonQuery();
    }

    public IReadOnlyDictionary<long, string> HeldHashes(string deviceId, long fromSeq, long toSeq)
    {
        using var r = Bind(ref _heldHashes, "SELECT seq, hash FROM records WHERE device_id = $d AND seq BETWEEN $f AND $t", ("$d", deviceId), ("$f", fromSeq), ("$t", toSeq)).ExecuteReader();
        var held = new Dictionary<long, string>();
        while (r.Read())
        {
            held[r.GetInt64(0)] = r.GetString(1);
        }

        return held;
    }

    /// <summary>Stores an entry; idempotent on (device_id, seq): false when that seq is already held.</summary>
    public bool InsertRecord(RecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Bind(
            ref _insertRecord,
            "INSERT INTO records (device_id, seq, hash, prev, boot, mono_ms, wall_ms, time_src, type, payload, received_at_ms) VALUES ($d, $s, $h, $p, $b, $m, $w, $t, $y, $x, $r) ON CONFLICT(device_id, seq) DO NOTHING",
            ("$d", row.DeviceId), ("$s", row.Seq), ("$h", row.Hash), ("$p", row.Prev), ("$b", row.Boot), ("$m", row.MonoMs), ("$w", row.WallMs), ("$t", row.TimeSource),
            ("$y", row.Type), ("$x", row.Payload), ("$r", row.ReceivedAtMs)).ExecuteNonQuery() == 1;
    }

    /// <inheritdoc/>
    public void AddRecord(RecordRow row) => InsertRecord(row);

    public void InsertCheckpoint(string deviceId, long seq, string hash, string keyId, string sig, long receivedAtMs)
    {
        Bind(
            ref _insertCheckpoint,
            "INSERT INTO checkpoints (device_id, seq, hash, key_id, sig, received_at_ms) VALUES ($d, $s, $h, $k, $g, $r) ON CONFLICT(device_id, seq) DO NOTHING",
            ("$d", deviceId), ("$s", seq), ("$h", hash), ("$k", keyId), ("$g", sig), ("$r", receivedAtMs)).ExecuteNonQuery();
    }

    /// <summary>Keeps a flagged input and counts it under its reason.</summary>
    public void InsertRejection(string deviceId, long seq, string reason, string detail, string topic, byte[]? payload, long receivedAtMs)
    {
        Bind(
            ref _insertRejection,
            "INSERT INTO rejections (device_id, seq, reason, detail, topic, payload, received_at_ms) VALUES ($d, $s, $r, $x, $t, $p, $a)",
            ("$d", deviceId), ("$s", seq), ("$r", reason), ("$x", detail), ("$t", topic), ("$p", payload), ("$a", receivedAtMs)).ExecuteNonQuery();
        Count(reason);
    }

    public void Count(string reason)
    {
        Bind(ref _bumpCounter, "INSERT INTO counters (reason, n) VALUES ($r, 1) ON CONFLICT(reason) DO UPDATE SET n = n + 1", ("$r", reason)).ExecuteNonQuery();
    }

    /// <summary>Tombstones held for the device in [from, to].</summary>
    public long TombstonesBetween(string deviceId, long from, long to)
    {
        using var cmd = Command("SELECT COUNT(*) FROM records WHERE device_id = $d AND seq BETWEEN $f AND $t AND payload IS NULL");
        cmd.Parameters.AddWithValue("$d", deviceId);
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$t", to);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Keeps the best (smallest error) anchor of a boot.</summary>
    public void UpsertAnchor(string deviceId, long boot, long offsetMs, long errMs)
    {
        using var cmd = Command("INSERT INTO boot_anchors (device_id, boot, offset_ms, err_ms) VALUES ($d, $b, $o, $e) ON CONFLICT(device_id, boot) DO UPDATE SET offset_ms = $o, err_ms = $e WHERE $e < err_ms");
        cmd.Parameters.AddWithValue("$d", deviceId);
        cmd.Parameters.AddWithValue("$b", boot);
        cmd.Parameters.AddWithValue("$o", offsetMs);
        cmd.Parameters.AddWithValue("$e", errMs);
        cmd.ExecuteNonQuery();
    }

    // ---- queries

    public IReadOnlyList<RecordRow> Records(string deviceId, long fromSeq)
    {
        using var cmd = Command("SELECT device_id, seq, hash, prev, boot, mono_ms, wall_ms, time_src, type, payload, received_at_ms FROM records WHERE device_id = $d AND seq >= $f ORDER BY seq");
        cmd.Parameters.AddWithValue("$d", deviceId);
        cmd.Parameters.AddWithValue("$f", fromSeq);
        using var r = cmd.ExecuteReader();
        var list = new List<RecordRow>();
        while (r.Read())
        {
            list.Add(StoreRows.Record(r));
        }

        return list;
    }

    /// <summary>The checkpoints a device signed, as received with its batches, in seq order.</summary>
    public IReadOnlyList<Checkpoint> Checkpoints(string deviceId)
    {
        using var cmd = Command("SELECT seq, hash, key_id, sig FROM checkpoints WHERE device_id = $d ORDER BY seq");
        cmd.Parameters.AddWithValue("$d", deviceId);
        using var r = cmd.ExecuteReader();
        var list = new List<Checkpoint>();
        while (r.Read())
        {
            list.Add(new Checkpoint { Seq = r.GetInt64(0), Hash = r.GetString(1), KeyId = r.GetString(2), Signature = r.GetString(3) });
        }

        return list;
    }

    /// <summary>How many batches for the device failed its enrolled key's signature (distinct receive times of <c>bad_signature</c> rejections).</summary>
    public long ForeignSignatureBatches(string deviceId)
    {
        using var cmd = Command("SELECT COUNT(DISTINCT received_at_ms) FROM rejections WHERE device_id = $d AND reason = 'bad_signature'");
        cmd.Parameters.AddWithValue("$d", deviceId);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a registry table as column → text, in key order (<see cref="Registry.RegistryDatabase.ReadTable"/>).</summary>
    public List<Dictionary<string, string?>> RegistryTable(string table) => Registry.RegistryDatabase.ReadTable(_connection, table, _transaction);

    public IReadOnlyList<BootAnchorRow> Anchors(string deviceId)
    {
        using var cmd = Command("SELECT boot, offset_ms, err_ms FROM boot_anchors WHERE device_id = $d ORDER BY boot");
        cmd.Parameters.AddWithValue("$d", deviceId);
        using var r = cmd.ExecuteReader();
        var list = new List<BootAnchorRow>();
        while (r.Read())
        {
            list.Add(StoreRows.Anchor(r));
        }

        return list;
    }

    /// <summary>Lowest and highest mono_ms held per boot of the device.</summary>
    public IReadOnlyDictionary<long, (long MinMono, long MaxMono)> BootSpans(string deviceId)
    {
        using var cmd = Command("SELECT boot, MIN(mono_ms), MAX(mono_ms) FROM records WHERE device_id = $d GROUP BY boot");
        cmd.Parameters.AddWithValue("$d", deviceId);
        using var r = cmd.ExecuteReader();
        return StoreRows.BootSpans(r);
    }

    public IReadOnlyDictionary<string, long> Counters()
    {
        using var cmd = Command("SELECT reason, n FROM counters ORDER BY reason");
        using var r = cmd.ExecuteReader();
        return StoreRows.Counters(r);
    }

    /// <summary>Rejection counts per reason and the latest <paramref name="latest"/> rejections, optionally of one device.</summary>
    public (IReadOnlyDictionary<string, long> PerReason, IReadOnlyList<RejectionRow> Latest) Rejections(string? deviceId, int latest)
    {
        var filter = deviceId is null ? "" : " WHERE device_id = $d";
        var perReason = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = Command($"SELECT reason, COUNT(*) FROM rejections{filter} GROUP BY reason ORDER BY reason"))
        {
            if (deviceId is not null)
            {
                cmd.Parameters.AddWithValue("$d", deviceId);
            }

            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                perReason[r.GetString(0)] = r.GetInt64(1);
            }
        }

        var rows = new List<RejectionRow>();
        using (var cmd = Command($"SELECT id, device_id, seq, reason, detail, topic, received_at_ms FROM rejections{filter} ORDER BY id DESC LIMIT $n"))
        {
            if (deviceId is not null)
            {
                cmd.Parameters.AddWithValue("$d", deviceId);
            }

            cmd.Parameters.AddWithValue("$n", latest);
            using var r = cmd.ExecuteReader();
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
        foreach (var cmd in (SqliteCommand?[])[_insertRecord, _heldHashes, _insertRejection, _bumpCounter, _findDevice, _head, _setHead, _insertCheckpoint])
        {
            cmd?.Dispose();
        }

        _connection.Dispose();
    }

    private void EndWrite()
    {
        _transaction?.Dispose();
        _transaction = null;
    }

    /// <summary>A command on this store's connection, in the open write transaction if any (for components that keep their own tables).</summary>
    public SqliteCommand Sql(string sql) => Command(sql);

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    /// <summary>A command on this store's connection (and its open write transaction, if any), for components that keep their own tables.</summary>
    public SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _transaction;
        return cmd;
    }

    /// <summary>
    /// The command kept in <paramref name="slot"/> (made on first use with the parameters' names), in the open transaction if
    /// any, with <paramref name="values"/> bound in order (null as SQL NULL). Ingestion's statements run for every batch: a
    /// kept command is prepared by SQLite once, a new one parsed and prepared each time.
    /// </summary>
    private SqliteCommand Bind(ref SqliteCommand? slot, string sql, params ReadOnlySpan<(string Name, object? Value)> values)
    {
        if (slot is null)
        {
            slot = _connection.CreateCommand();
            slot.CommandText = sql;
            foreach (var (name, _) in values)
            {
                slot.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        slot.Transaction = _transaction;
        for (var i = 0; i < values.Length; i++)
        {
            slot.Parameters[i].Value = values[i].Value ?? DBNull.Value;
        }

        return slot;
    }
}
