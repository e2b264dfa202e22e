using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Storage.Outbox;

/// <summary>
/// Opens the outbox's SQLite file: refuses files that are not an outbox (or come from a newer build), sets the
/// durability pragmas, and migrates the schema, whose version lives in <c>PRAGMA user_version</c>.
/// </summary>
internal static class OutboxSchema
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int CurrentVersion = 3;

    /// <summary><c>PRAGMA application_id</c> of an outbox file: "EAOB" in ASCII. Identifies the file as ours.</summary>
    public const int ApplicationId = 0x45414F42;

    /// <summary>SQLite's SQLITE_NOTADB: the file's header is not an SQLite database header.</summary>
    private const int SqliteNotADatabase = 26;

    /// <summary>SQLite's SQLITE_CORRUPT: a page of the file is not what SQLite wrote.</summary>
    private const int SqliteCorrupt = 11;

    /// <summary>SQLite's SQLITE_BUSY and SQLITE_LOCKED: another connection holds the file.</summary>
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The hash a chain starts from (and what an unknown predecessor is stored as): 64 zeros.</summary>
    private const string Zeros = "0000000000000000000000000000000000000000000000000000000000000000";

    // 0 -> 1: the log (records) and the checkpoint.
    private static readonly string Version1 =
        $"""
        CREATE TABLE records (
            seq         INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
            class       INTEGER NOT NULL CHECK (class IN (0, 1)), -- RecordClass: 0 evidence, 1 telemetry
            type        TEXT    NOT NULL,
            payload     BLOB    NOT NULL,
            bytes       INTEGER NOT NULL,                          -- length(payload), kept for the budgets
            appended_at INTEGER NOT NULL                           -- Unix ms from the injected TimeProvider
        );
        -- Covering index for the budgets: oldest telemetry first, by size and age, without touching payloads.
        CREATE INDEX records_by_class ON records (class, seq, bytes, appended_at);
        CREATE TABLE checkpoint (
            id                INTEGER PRIMARY KEY CHECK (id = 1),
            acknowledged_seq  INTEGER NOT NULL,                    -- highest seq the hub acknowledged
            last_appended_seq INTEGER NOT NULL                     -- highest seq ever appended: seqs are never reused
        );
        INSERT INTO checkpoint (id, acknowledged_seq, last_appended_seq) VALUES (1, 0, 0);
        -- Telemetry dropped since the last EnforceBudgets report, kept with the drop so a crash cannot hide it.
        CREATE TABLE dropped_telemetry (
            id        INTEGER PRIMARY KEY CHECK (id = 1),
            count     INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq  INTEGER NOT NULL,
            bytes     INTEGER NOT NULL
        );
        INSERT INTO dropped_telemetry (id, count, first_seq, last_seq, bytes) VALUES (1, 0, 0, 0, 0);
        PRAGMA application_id = {ApplicationId};
        """;

    /// <summary>Migrations[i] takes the schema from version i to i + 1, inside one transaction.</summary>
    private static readonly Action<SqliteConnection, SqliteTransaction>[] Migrations =
    [
        (connection, transaction) => Execute(connection, transaction, Version1),
        MigrateToVersion2,
        // 2 -> 3: records_by_class answered no query (every scan goes by seq or through records_live_telemetry) and
        // cost an index write per append: without it the crash host's bench (64 writers) went from 22,600 to 24,600-26,600
        // appends/s here.
        (connection, transaction) => Execute(connection, transaction, "DROP INDEX records_by_class;"),
    ];


    // 1 -> 2, before the rows are copied: records become chain links (hash, prev) and a dropped telemetry record keeps
    // its link as a tombstone (payload NULL, bytes 0; only telemetry can be one).
    private const string Version2Records =
        """
        CREATE TABLE records_v2 (
            seq         INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
            class       INTEGER NOT NULL CHECK (class IN (0, 1)),  -- RecordClass: 0 evidence, 1 telemetry
            type        TEXT    NOT NULL,
            hash        TEXT    NOT NULL CHECK (length(hash) = 64),  -- SHA-256 of the record's bytes (kept when dropped)
            prev        TEXT    NOT NULL CHECK (length(prev) = 64),  -- the hash the record names as its predecessor
            payload     BLOB,                                        -- the record's bytes; NULL for a tombstone
            bytes       INTEGER NOT NULL,                            -- length(payload), 0 for a tombstone
            appended_at INTEGER NOT NULL,                            -- Unix ms from the injected TimeProvider
            CHECK (payload IS NOT NULL OR (class = 1 AND bytes = 0))
        );
        """;

    // 1 -> 2, after the rows are copied: the checkpoint gains the head hash, the boot counter and the activation, and
    // pending drops become a list of ranges so a report can be cleared exactly by the record that writes it down.
    private const string Version2Rest =
        $"""
        DROP INDEX records_by_class;
        DROP TABLE records;
        ALTER TABLE records_v2 RENAME TO records;
        CREATE INDEX records_by_class ON records (class, seq, bytes, appended_at);
        -- Telemetry still holding its bytes, oldest first: what the budgets drop, skipping tombstones.
        CREATE INDEX records_live_telemetry ON records (seq, bytes, appended_at) WHERE class = 1 AND payload IS NOT NULL;
        ALTER TABLE checkpoint ADD COLUMN last_hash TEXT NOT NULL DEFAULT '{Zeros}';  -- hash of last_appended_seq
        ALTER TABLE checkpoint ADD COLUMN boot INTEGER NOT NULL DEFAULT 0;            -- persisted boot counter
        ALTER TABLE checkpoint ADD COLUMN activation_seq INTEGER;                     -- first device.activated, or NULL
        CREATE TABLE pending_drops (
            id        INTEGER PRIMARY KEY,
            count     INTEGER NOT NULL CHECK (count > 0),
            first_seq INTEGER NOT NULL,
            last_seq  INTEGER NOT NULL,
            bytes     INTEGER NOT NULL,
            sealed    INTEGER NOT NULL CHECK (sealed IN (0, 1))  -- 1: already returned by a report, nothing merges into it
        );
        INSERT INTO pending_drops (count, first_seq, last_seq, bytes, sealed)
            SELECT count, first_seq, last_seq, bytes, 0 FROM dropped_telemetry WHERE count > 0;
        DROP TABLE dropped_telemetry;
        """;

    /// <summary>Opens (creating if needed) the outbox at <paramref name="path"/>, ready for use.</summary>
    /// <exception cref="IOException">The file is not an outbox, is from a newer build, is in use, or SQLite failed.</exception>
    public static SqliteConnection Open(string path, ILogger logger)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A pooled connection would keep the file (and its exclusive lock) open after the outbox is disposed.
            Pooling = false,
            // Only one connection ever uses the file; waiting long for a lock only delays the "in use" error.
            DefaultTimeout = 1,
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();

            // One process owns the outbox: the lock is taken at the first write below and held until the
            // connection closes, so a second agent on the same file fails at open instead of interleaving seqs.
            // Set before WAL is entered, it also means no shared-memory (-shm) index is ever used.
            Execute(connection, "PRAGMA locking_mode = EXCLUSIVE;");

            // Read-only checks first: nothing is written to a file that turns out not to be ours.
            var version = Refuse(connection, path);

            var journal = Scalar(connection, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException($"outbox '{path}': SQLite refused write-ahead logging (journal_mode is '{journal}')");
            }

            // FULL, not NORMAL: in WAL mode NORMAL syncs the WAL only at checkpoints, so a transaction whose commit
            // has returned can still vanish if power fails before the next checkpoint (the database stays consistent,
            // it just rolls back to an older state). The outbox promises that an appended or acknowledged record
            // survives power loss once the call returns, so every commit must fsync the WAL: FULL does that.
            Execute(connection, "PRAGMA synchronous = FULL;");
            var synchronous = Scalar(connection, "PRAGMA synchronous;");
            if (synchronous != "2")
            {
                throw new IOException($"outbox '{path}': SQLite did not accept synchronous=FULL (it reports {synchronous})");
            }

            Migrate(connection, path, version, logger);
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Wrap(path, "open", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>An <see cref="IOException"/> that names the file and says what was being done.</summary>
    public static IOException Wrap(string path, string operation, SqliteException e) => e.SqliteErrorCode switch
    {
        SqliteNotADatabase => new IOException(
            $"'{path}' is not an outbox database: it is not an SQLite file (or it is corrupt). Move it aside; the agent then starts a new outbox. ({e.Message})", e),
        SqliteCorrupt => new IOException(
            $"outbox '{path}' is corrupt: {operation} failed ({e.Message}). Move it aside and check the storage medium.", e),
        SqliteBusy or SqliteLocked => new IOException(
            $"outbox '{path}' is in use by another process (only one agent may own an outbox): {operation} failed ({e.Message})", e),
        _ => new IOException($"outbox '{path}': {operation} failed: {e.Message}", e),
    };

    /// <summary>Returns the file's schema version, or throws if the file is not an outbox this build can read.</summary>
    private static int Refuse(SqliteConnection connection, string path)
    {
        var applicationId = int.Parse(Scalar(connection, "PRAGMA application_id;"), CultureInfo.InvariantCulture);
        var version = int.Parse(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        var objects = long.Parse(Scalar(connection, "SELECT count(*) FROM sqlite_schema;"), CultureInfo.InvariantCulture);

        if (applicationId == 0 && version == 0 && objects == 0)
        {
            return 0; // a new (or empty) file: created below
        }

        if (applicationId != ApplicationId)
        {
            throw new IOException(
                $"'{path}' is an SQLite database but not an outbox (application_id 0x{applicationId:X8}, expected 0x{ApplicationId:X8}; " +
                $"user_version {version}, {objects} schema object(s)). Refusing to touch it; point Outbox at another file.");
        }

        if (version > CurrentVersion)
        {
            throw new IOException(
                $"outbox '{path}' has schema version {version}, newer than this build's {CurrentVersion} (a newer agent wrote it). " +
                "Refusing to open it rather than lose records; run the newer agent, or move the file aside.");
        }

        if (version < 1)
        {
            throw new IOException($"outbox '{path}' has application_id set but no schema (user_version {version}); it is damaged");
        }

        return version;
    }

    private static void Migrate(SqliteConnection connection, string path, int from, ILogger logger)
    {
        for (var version = from; version < CurrentVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            Migrations[version](connection, transaction);
            Execute(connection, transaction, $"PRAGMA user_version = {version + 1};");
            transaction.Commit();
            Log.Migrated(logger, path, version, version + 1);
        }
    }

    /// <summary>
    /// Version 1 files hold records without links: each row's hash is computed from its payload and its prev is the
    /// row before it (64 zeros for the first row held). The head hash is the last record's when it is still held; when
    /// everything was acknowledged it is unknown and stored as 64 zeros, so the hub sees the next record as a broken link
    /// rather than a made-up one. The activation is the lowest <c>device.activated</c> still held.
    /// </summary>
    private static void MigrateToVersion2(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, Version2Records);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO records_v2 (seq, class, type, hash, prev, payload, bytes, appended_at) VALUES ($seq, $class, $type, $hash, $prev, $payload, $bytes, $at)";
        foreach (var name in new[] { "$seq", "$class", "$type", "$hash", "$prev", "$payload", "$bytes", "$at" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var prev = Zeros;
        long lastSeq = 0;
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT seq, class, type, payload, appended_at FROM records ORDER BY seq";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var payload = reader.GetFieldValue<byte[]>(3);
                var hash = Convert.ToHexStringLower(SHA256.HashData(payload));
                lastSeq = reader.GetInt64(0);
                var p = insert.Parameters;
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (lastSeq, reader.GetInt64(1), reader.GetString(2), hash, prev);
                (p[5].Value, p[6].Value, p[7].Value) = (payload, (long)payload.Length, reader.GetInt64(4));
                insert.ExecuteNonQuery();
                prev = hash;
            }
        }

        Execute(connection, transaction, Version2Rest);
        using var checkpoint = connection.CreateCommand();
        checkpoint.Transaction = transaction;
        checkpoint.CommandText =
            "UPDATE checkpoint SET last_hash = CASE WHEN last_appended_seq = $last THEN $hash ELSE last_hash END, " +
            "activation_seq = (SELECT min(seq) FROM records WHERE type = 'device.activated') WHERE id = 1";
        checkpoint.Parameters.AddWithValue("$last", lastSeq);
        checkpoint.Parameters.AddWithValue("$hash", prev);
        checkpoint.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }
}
