using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Storage.Outbox;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

/// <summary>
/// The filesystem as part of the budget: a disk smaller than the configured budgets (a fake of a few MiB whose free
/// space is what the outbox's files leave of it) and SQLite's own "full" (SQLITE_FULL, made with max_page_count).
/// </summary>
public sealed class OutboxDiskTests : IDisposable
{
    private const long Disk = 3L << 20;

    private readonly TempDirectory _dir = new();
    private readonly ListLogger<SqliteOutbox> _logger = new();

    private string PathOf => Path.Combine(_dir.Path, "outbox.db");

    public void Dispose() => _dir.Dispose();

    /// <summary>A disk of <paramref name="size"/> bytes holding only the outbox's files.</summary>
    private Func<DiskSpace?> SmallDisk(long size) => () =>
    {
        var used = Directory.GetFiles(_dir.Path).Sum(f => new FileInfo(f).Length);
        return new DiskSpace(size, Math.Max(0, size - used));
    };

    private SqliteOutbox Open(long disk) => SqliteOutbox.Open(PathOf, Roomy, TimeProvider.System, _logger, SmallDisk(disk));

    [Fact]
    public async Task Open_OnASmallDisk_CheckpointsTheWalEveryThirtySecondOfItAndTruncatesItBack()
    {
        await using var outbox = Open(Disk);

        Assert.Equal("24", await outbox.PragmaAsync("wal_autocheckpoint")); // 3 MiB / 32 / 4096
        Assert.Equal((24 * 4096).ToString(System.Globalization.CultureInfo.InvariantCulture), await outbox.PragmaAsync("journal_size_limit"));
    }

    [Theory]
    [InlineData(Disk, 4)] // 128 rows a step: a 500-record acknowledgement in 4 transactions, each small enough for the WAL
    [InlineData(64L << 30, 1)] // a large disk: the whole acknowledgement in one transaction, one fsync (issue 4's rate)
    public async Task AcknowledgeAsync_FiveHundredRecords_DeletedInStepsThatFitTheWal(long disk, long transactions)
    {
        await using var outbox = Open(disk);
        for (var seq = 1L; seq <= 500; seq++)
        {
            await outbox.AppendAsync(Record(seq, RecordClass.Evidence, 100), CancellationToken.None);
        }

        var before = outbox.TransactionCount;
        await outbox.AcknowledgeAsync(500, CancellationToken.None);

        Assert.Equal(transactions, outbox.TransactionCount - before);
        Assert.Equal(500, await outbox.AcknowledgedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_DiskSmallerThanTheBudgets_TelemetryDroppedOldestFirstThenRefusedEvidenceAllStoredAndTheDiskNeverFills()
    {
        await using var outbox = Open(Disk);
        var outcomes = new List<(long Seq, RecordClass Class, AppendOutcome Outcome)>();
        var seq = 0L;
        // 2,200 evidence and 2,200 telemetry records of 500 bytes: about 3.7 MB of rows, more than the 3 MiB disk keeps.
        for (var i = 0; i < 2200; i++)
        {
            foreach (var c in new[] { RecordClass.Evidence, RecordClass.Telemetry })
            {
                seq++;
                outcomes.Add((seq, c, await outbox.AppendAsync(Record(seq, c, 500), CancellationToken.None)));
            }
        }

        var free = SmallDisk(Disk)()!.Value.Available;
        Assert.True(free > 0, "the disk filled");
        Assert.All(outcomes.Where(o => o.Class == RecordClass.Evidence), o => Assert.Equal(AppendOutcome.Stored, o.Outcome));
        var all = await ReadAllAsync(outbox);
        Assert.Equal(seq, all.Count);
        Assert.All(all.Where(r => r.Class == RecordClass.Evidence), r => Assert.False(r.IsDropped));
        var dropped = all.Where(r => r.IsDropped).Select(r => r.Seq).ToList();
        var kept = all.Where(r => r.Class == RecordClass.Telemetry && !r.IsDropped).Select(r => r.Seq).ToList();
        Assert.NotEmpty(dropped);
        Assert.NotEmpty(kept);
        Assert.Equal(2, dropped.Min()); // the oldest telemetry went first
        Assert.Contains(outcomes, o => o.Outcome == AppendOutcome.TelemetryRefused); // and, within the reserve, new telemetry was refused
        Assert.True((await outbox.DepthAsync(CancellationToken.None)).DiskFull);
        var report = await outbox.EnforceBudgetsAsync(CancellationToken.None);
        Assert.Equal(dropped.Count, report!.Count); // every tombstone is in the report, nothing else

        await outbox.AcknowledgeAsync(seq, CancellationToken.None);

        Assert.False((await outbox.DepthAsync(CancellationToken.None)).DiskFull);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4008);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4010);
    }

    [Fact]
    public async Task AppendAsync_SqliteFindsTheFileFull_TheAppendFailsWithAnIOExceptionTheStateSaysFullAndAfterAnAcknowledgementItGoesOn()
    {
        await using var outbox = await OpenAsync(PathOf, logger: _logger);
        var seq = 0L;
        for (var i = 0; i < 200; i++)
        {
            seq++;
            Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(i % 2 == 0 ? Telemetry(seq, 2000) : Record(seq, RecordClass.Evidence, 2000), CancellationToken.None));
        }

        // The file may not grow past what it holds now (SQLITE_FULL, as on a full disk). The retry drops all telemetry,
        // but a tombstone keeps its row in its page, so a new record at the end of the table still finds no page.
        var pages = await outbox.PragmaAsync("page_count");
        await outbox.PragmaAsync($"max_page_count = {pages}");
        var full = await Assert.ThrowsAsync<IOException>(async () => await outbox.AppendAsync(Record(++seq, RecordClass.Evidence, 2000), CancellationToken.None));

        Assert.Contains("full", full.Message, StringComparison.Ordinal);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4009);
        var head = await outbox.HeadAsync(CancellationToken.None);
        Assert.Equal(seq - 1, head.Seq); // nothing of the failed append was stored; its seq is free for the next record

        await outbox.AcknowledgeAsync(head.Seq, CancellationToken.None);

        Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(Record(seq, RecordClass.Evidence, 2000), CancellationToken.None));
        Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(Telemetry(seq + 1, 100), CancellationToken.None));
    }
}
