using System.Globalization;
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
    public const int CurrentVersion = 1;

    /// <summary><c>PRAGMA application_id</c> of an outbox file: "EAOB" in ASCII. Identifies the file as ours.</summary>
    public const int ApplicationId = 0x45414F42;

    /// <summary>SQLite's SQLITE_NOTADB: the file's header is not an SQLite database header.</summary>
    private const int SqliteNotADatabase = 26;

    /// <summary>SQLite's SQLITE_CORRUPT: a page of the file is not what SQLite wrote.</summary>
    private const int SqliteCorrupt = 11;

    /// <summary>SQLite's SQLITE_BUSY and SQLITE_LOCKED: another connection holds the file.</summary>
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Migrations[i] takes the schema from version i to i + 1, inside one transaction.</summary>
    private static readonly string[] Migrations =
    [
        // 0 -> 1: the log (records) and the checkpoint.
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
        """,
    ];

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
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            Log.Migrated(logger, path, version, version + 1);
        }
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
