using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

public sealed class OutboxMigrationTests : IDisposable
{
    /// <summary>The version-1 schema exactly as the first build wrote it.</summary>
    private const string Version1 = """
        CREATE TABLE records (
            seq         INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
            class       INTEGER NOT NULL CHECK (class IN (0, 1)),
            type        TEXT    NOT NULL,
            payload     BLOB    NOT NULL,
            bytes       INTEGER NOT NULL,
            appended_at INTEGER NOT NULL
        );
        CREATE INDEX records_by_class ON records (class, seq, bytes, appended_at);
        CREATE TABLE checkpoint (
            id                INTEGER PRIMARY KEY CHECK (id = 1),
            acknowledged_seq  INTEGER NOT NULL,
            last_appended_seq INTEGER NOT NULL
        );
        INSERT INTO checkpoint (id, acknowledged_seq, last_appended_seq) VALUES (1, 2, 5);
        CREATE TABLE dropped_telemetry (
            id        INTEGER PRIMARY KEY CHECK (id = 1),
            count     INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq  INTEGER NOT NULL,
            bytes     INTEGER NOT NULL
        );
        INSERT INTO dropped_telemetry (id, count, first_seq, last_seq, bytes) VALUES (1, 1, 3, 3, 40);
        INSERT INTO records VALUES (4, 0, 'device.activated', x'7b2261223a317d', 7, 4102444800000);
        INSERT INTO records VALUES (5, 1, 'env.sample', x'7b2262223a327d', 7, 4102444800000);
        PRAGMA application_id = 1161908034;
        PRAGMA user_version = 1;
        """;

    private readonly TempDirectory _dir = new();
    private readonly ListLogger<Storage.Outbox.SqliteOutbox> _logger = new();

    private string Db => _dir.Combine("outbox.db");

    public void Dispose()
    {
        AssertNoErrors(_logger);
        _dir.Dispose();
    }

    [Fact]
    public async Task OpenAsync_VersionOneFile_MigratesRecordsToLinksAndKeepsCheckpointAndDrops()
    {
        using (var raw = Raw(Db))
        {
            Scalar(raw, Version1);
        }

        var hash4 = Convert.ToHexStringLower(SHA256.HashData("{\"a\":1}"u8));
        var hash5 = Convert.ToHexStringLower(SHA256.HashData("{\"b\":2}"u8));

        await using (var outbox = await OpenAsync(Db, logger: _logger))
        {
            Assert.Contains(_logger.Entries, e => e.EventId.Id == 4001 && e.Message.Contains("migrated schema 1 -> 2", StringComparison.Ordinal));
            var read = await ReadAllAsync(outbox);
            Assert.Equal(
                [(4L, RecordTypes.DeviceActivated, hash4, EvidenceRecord.GenesisPrev), (5L, RecordTypes.EnvSample, hash5, hash4)],
                read.Select(r => (r.Seq, r.Type, r.Hash, r.Prev)));
            Assert.Equal("{\"b\":2}"u8.ToArray(), read[1].Payload.ToArray());
            Assert.Equal(new LedgerState(1, new ChainHead(5, hash5), 4, 2), await outbox.StartBootAsync(CancellationToken.None));
            Assert.Equal(new DroppedTelemetry(1, 3, 3, 40), await outbox.EnforceBudgetsAsync(CancellationToken.None));
            Assert.Equal(new OutboxDepth(1, 7, 1, 7), await outbox.DepthAsync(CancellationToken.None));

            var next = new OutboxRecord(6, RecordClass.Evidence, RecordTypes.UsageSummary, HashOf(6), hash5, new byte[10]);
            Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(next, CancellationToken.None));
        }

        using var reopened = Raw(Db);
        Assert.Equal("3", Scalar(reopened, "PRAGMA user_version;"));
        Assert.Equal(0L, Convert.ToInt64(Scalar(reopened, "SELECT count(*) FROM sqlite_master WHERE name = 'records_by_class'"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ok", Scalar(reopened, "PRAGMA integrity_check;"));
        Assert.Equal("0", Scalar(reopened, "SELECT count(*) FROM sqlite_schema WHERE name IN ('dropped_telemetry', 'records_v2');"));
    }

    [Fact]
    public async Task OpenAsync_VersionOneFileWithEverythingAcknowledged_HeadHashIsUnknownZeros()
    {
        using (var raw = Raw(Db))
        {
            Scalar(raw, Version1.Replace("(1, 2, 5)", "(1, 5, 5)", StringComparison.Ordinal).Replace("INSERT INTO records VALUES", "-- ", StringComparison.Ordinal));
        }

        await using var outbox = await OpenAsync(Db, logger: _logger);

        Assert.Equal(new LedgerState(1, new ChainHead(5, EvidenceRecord.GenesisPrev), null, 5), await outbox.StartBootAsync(CancellationToken.None));
    }
}
