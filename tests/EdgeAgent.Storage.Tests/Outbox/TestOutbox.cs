using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Storage.Outbox;
using EdgeAgent.TestKit.Logging;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Storage.Tests.Outbox;

/// <summary>Opening outboxes, making records and reading files the way the tests need.</summary>
internal static class TestOutbox
{
    public static OutboxOptions Roomy => new() { MaxBytes = 1L << 30, MaxTelemetryBytes = 1L << 30, MaxTelemetryAge = TimeSpan.FromDays(365) };

    public static async Task<SqliteOutbox> OpenAsync(string path, OutboxOptions? options = null, TimeProvider? time = null, ListLogger<SqliteOutbox>? logger = null) =>
        (SqliteOutbox)await SqliteOutboxFactory.OpenAsync(path, options ?? Roomy, time ?? TimeProvider.System, logger ?? new ListLogger<SqliteOutbox>(), CancellationToken.None);

    /// <summary>
    /// The hash the tests give record <paramref name="seq"/>: SHA-256 of "test-{seq}", so record n + 1 made alone
    /// already names record n (the outbox checks links, not payload hashes; the ledger computes those).
    /// </summary>
    public static string HashOf(long seq) =>
        seq == 0 ? EvidenceRecord.GenesisPrev : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"test-{seq}")));

    /// <summary>A record whose payload is <paramref name="bytes"/> bytes that encode its seq (so mix-ups show), linked to seq - 1.</summary>
    public static OutboxRecord Record(long seq, RecordClass recordClass = RecordClass.Evidence, int bytes = 300, string? type = null)
    {
        var payload = new byte[bytes];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(seq + i);
        }

        return new OutboxRecord(seq, recordClass, type ?? (recordClass == RecordClass.Evidence ? RecordTypes.UsageSummary : RecordTypes.EnvSample), HashOf(seq), HashOf(seq - 1), payload);
    }

    /// <summary>The <c>telemetry.dropped</c> evidence record at <paramref name="seq"/> that writes <paramref name="report"/> down.</summary>
    public static OutboxRecord Report(long seq, DroppedTelemetry report, int bytes = 60) =>
        Record(seq, RecordClass.Evidence, bytes, RecordTypes.TelemetryDropped) with { Reports = report };

    public static OutboxRecord Telemetry(long seq, int bytes = 300) => Record(seq, RecordClass.Telemetry, bytes);

    public static async Task<List<OutboxRecord>> ReadAllAsync(IOutbox outbox)
    {
        var all = new List<OutboxRecord>();
        var after = 0L;
        while (true)
        {
            var page = await outbox.ReadAsync(after, 500, CancellationToken.None);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            after = page[^1].Seq;
        }
    }

    /// <summary>Seqs of the records still holding their bytes (tombstones left out).</summary>
    public static async Task<long[]> SeqsAsync(IOutbox outbox) => [.. (await ReadAllAsync(outbox)).Where(r => !r.IsDropped).Select(r => r.Seq)];

    /// <summary>Seqs of the tombstones.</summary>
    public static async Task<long[]> TombstonesAsync(IOutbox outbox) => [.. (await ReadAllAsync(outbox)).Where(r => r.IsDropped).Select(r => r.Seq)];

    public static async Task AssertSeqsAsync(IOutbox outbox, params long[] expected) => Assert.Equal(expected, await SeqsAsync(outbox));

    /// <summary>A plain connection to the file, outside the outbox (which must be closed: it holds the file exclusively).</summary>
    public static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public static void AssertNoErrors(ListLogger<SqliteOutbox> logger) =>
        Assert.DoesNotContain(logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
}
