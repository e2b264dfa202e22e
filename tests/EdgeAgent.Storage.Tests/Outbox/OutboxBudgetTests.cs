using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

public sealed class OutboxBudgetTests : IDisposable
{
    private const RecordClass E = RecordClass.Evidence;
    private const RecordClass T = RecordClass.Telemetry;
    private const AppendOutcome Stored = AppendOutcome.Stored;
    private const AppendOutcome Refused = AppendOutcome.TelemetryRefused;

    private readonly TempDirectory _dir = new();
    private readonly ListLogger<Storage.Outbox.SqliteOutbox> _logger = new();

    /// <summary>One budget scenario: the caps, the appends in order, and what must come of them.</summary>
    public sealed record BudgetCase(
        long MaxBytes,
        long MaxTelemetryBytes,
        (long Seq, RecordClass Class, int Bytes)[] Appends,
        AppendOutcome[] Outcomes,
        long[] Remaining,
        DroppedTelemetry? Dropped);

    private static readonly Dictionary<string, BudgetCase> Cases = new()
    {
        ["telemetry byte cap drops oldest telemetry first"] = new(10_000, 300,
            [(1, T, 100), (2, T, 100), (3, T, 100), (4, T, 100), (5, T, 100)],
            [Stored, Stored, Stored, Stored, Stored],
            [3, 4, 5],
            new DroppedTelemetry(2, 1, 2, 200)),
        ["telemetry byte cap ignores evidence and never drops it"] = new(10_000, 200,
            [(1, E, 100), (2, T, 100), (3, T, 100), (4, E, 100), (5, T, 100), (6, T, 100)],
            [Stored, Stored, Stored, Stored, Stored, Stored],
            [1, 4, 5, 6],
            new DroppedTelemetry(2, 2, 3, 200)),
        ["telemetry larger than its cap is stored then dropped"] = new(10_000, 150,
            [(1, T, 100), (2, T, 200)],
            [Stored, Stored],
            [],
            new DroppedTelemetry(2, 1, 2, 300)),
        ["max bytes reached refuses telemetry to a tombstone and evidence drops the oldest telemetry for room"] = new(500, 10_000,
            [(1, T, 100), (2, T, 100), (3, T, 100), (4, T, 100), (5, T, 100), (6, T, 100), (7, E, 100)],
            [Stored, Stored, Stored, Stored, Stored, Refused, Stored],
            [2, 3, 4, 5, 7],
            new DroppedTelemetry(2, 1, 6, 200)),
        ["evidence needing more room drops as much telemetry as it takes"] = new(400, 10_000,
            [(1, T, 100), (2, T, 100), (3, T, 100), (4, E, 250)],
            [Stored, Stored, Stored, Stored],
            [3, 4],
            new DroppedTelemetry(2, 1, 2, 200)),
        ["evidence is stored past max bytes once no telemetry is left"] = new(200, 10_000,
            [(1, T, 100), (2, E, 150), (3, E, 150), (4, T, 10), (5, E, 150)],
            [Stored, Stored, Stored, Refused, Stored],
            [2, 3, 5],
            new DroppedTelemetry(2, 1, 4, 110)),
        ["evidence alone past max bytes drops nothing and refused telemetry counts as dropped"] = new(300, 10_000,
            [(1, E, 100), (2, E, 100), (3, E, 100), (4, E, 100), (5, T, 1)],
            [Stored, Stored, Stored, Stored, Refused],
            [1, 2, 3, 4],
            new DroppedTelemetry(1, 5, 5, 1)),
        ["refused telemetry uses up its seq: the next record links to its tombstone"] = new(200, 10_000,
            [(1, E, 200), (2, T, 1), (3, E, 1)],
            [Stored, Refused, Stored],
            [1, 3],
            new DroppedTelemetry(1, 2, 2, 1)),
    };

    public static TheoryData<string, bool> CaseNames()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    public void Dispose()
    {
        AssertNoErrors(_logger);
        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task AppendAsync_BudgetScenario_StoresRefusesAndDropsExactly(string name, bool oneGroupCommit)
    {
        var c = Cases[name];
        var options = new OutboxOptions { MaxBytes = c.MaxBytes, MaxTelemetryBytes = c.MaxTelemetryBytes, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), options, logger: _logger);

        var outcomes = new List<AppendOutcome>();
        if (oneGroupCommit)
        {
            var pending = c.Appends.Select(a => outbox.AppendAsync(Record(a.Seq, a.Class, a.Bytes), CancellationToken.None).AsTask()).ToList();
            outcomes.AddRange(await Task.WhenAll(pending));
        }
        else
        {
            foreach (var a in c.Appends)
            {
                outcomes.Add(await outbox.AppendAsync(Record(a.Seq, a.Class, a.Bytes), CancellationToken.None));
            }
        }

        Assert.Equal(c.Outcomes, outcomes);
        Assert.Equal(c.Remaining, await SeqsAsync(outbox));
        var storedEvidence = c.Appends.Where((a, i) => a.Class == E && c.Outcomes[i] == Stored).Select(a => a.Seq);
        Assert.Subset(c.Remaining.ToHashSet(), storedEvidence.ToHashSet());

        // Every append is a link: what is not held any more is a telemetry tombstone with its seq and hash.
        var all = await ReadAllAsync(outbox);
        Assert.Equal(c.Appends.Select(a => a.Seq), all.Select(r => r.Seq));
        Assert.All(all.Where(r => r.IsDropped), r => Assert.True(r.Class == T && r.Payload.IsEmpty && r.Hash == HashOf(r.Seq) && r.Prev == HashOf(r.Seq - 1)));
        Assert.Equal(c.Appends.Select(a => a.Seq).Except(c.Remaining), await TombstonesAsync(outbox));

        Assert.Equal(c.Dropped, await outbox.EnforceBudgetsAsync(CancellationToken.None));
        Assert.Equal(c.Dropped, await outbox.EnforceBudgetsAsync(CancellationToken.None)); // not written down yet: reported again
        if (c.Dropped is { } dropped)
        {
            // 0 bytes, so writing the report down needs no room and drops nothing more.
            Assert.Equal(Stored, await outbox.AppendAsync(Report(c.Appends.Length + 1, dropped, bytes: 0), CancellationToken.None));
        }

        Assert.Null(await outbox.EnforceBudgetsAsync(CancellationToken.None));

        var remaining = c.Appends.Where((a, i) => c.Outcomes[i] == Stored && c.Remaining.Contains(a.Seq)).ToList();
        var depth = await outbox.DepthAsync(CancellationToken.None);
        Assert.Equal(remaining.Where(a => a.Class == E).Sum(a => (long)a.Bytes), depth.EvidenceBytes);
        Assert.Equal(remaining.Where(a => a.Class == T).Sum(a => (long)a.Bytes), depth.TelemetryBytes);
    }

    [Fact]
    public async Task EnforceBudgetsAsync_TelemetryOlderThanMaxAge_DropsItAndKeepsOldEvidence()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var options = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 1L << 20, MaxTelemetryAge = TimeSpan.FromHours(1) };
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), options, time, _logger);
        await outbox.AppendAsync(Telemetry(1, 10), CancellationToken.None);
        await outbox.AppendAsync(Record(2, bytes: 10), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(30));
        await outbox.AppendAsync(Telemetry(3, 20), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(await outbox.EnforceBudgetsAsync(CancellationToken.None)); // exactly 1 h old: not older than the cap

        time.Advance(TimeSpan.FromMilliseconds(1));
        var first = await outbox.EnforceBudgetsAsync(CancellationToken.None);
        Assert.Equal(new DroppedTelemetry(1, 1, 1, 10), first);
        await AssertSeqsAsync(outbox, 2L, 3);
        await outbox.AppendAsync(Report(4, first!), CancellationToken.None);

        time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(new DroppedTelemetry(1, 3, 3, 20), await outbox.EnforceBudgetsAsync(CancellationToken.None));
        await AssertSeqsAsync(outbox, 2L, 4);
        Assert.Equal(new long[] { 1, 3 }, await TombstonesAsync(outbox));
    }

    [Fact]
    public async Task EnforceBudgetsAsync_AfterDropsDuringAppendAndByAge_ReportsThemTogetherOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var options = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 150, MaxTelemetryAge = TimeSpan.FromHours(1) };
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), options, time, _logger);
        await outbox.AppendAsync(Telemetry(1, 100), CancellationToken.None);
        await outbox.AppendAsync(Telemetry(2, 100), CancellationToken.None); // drops 1 (cap)
        time.Advance(TimeSpan.FromHours(2));
        await outbox.AppendAsync(Telemetry(3, 10), CancellationToken.None);

        var dropped = await outbox.EnforceBudgetsAsync(CancellationToken.None); // drops 2 (age)

        Assert.Equal(new DroppedTelemetry(2, 1, 2, 200), dropped);
        await AssertSeqsAsync(outbox, 3L);
        await outbox.AppendAsync(Report(4, dropped!), CancellationToken.None);
        Assert.Null(await outbox.EnforceBudgetsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task EnforceBudgetsAsync_DropsBeforeARestart_AreStillReported()
    {
        var db = _dir.Combine("outbox.db");
        var options = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 100, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using (var outbox = await OpenAsync(db, options, logger: _logger))
        {
            await outbox.AppendAsync(Telemetry(1, 100), CancellationToken.None);
            await outbox.AppendAsync(Telemetry(2, 100), CancellationToken.None);
        }

        await using var reopened = await OpenAsync(db, options, logger: _logger);

        Assert.Equal(new DroppedTelemetry(1, 1, 1, 100), await reopened.EnforceBudgetsAsync(CancellationToken.None));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4002);
    }

    [Fact]
    public async Task EnforceBudgetsAsync_CapsLoweredSinceLastRun_DropsOldestTelemetryDownToThem()
    {
        var db = _dir.Combine("outbox.db");
        await using (var outbox = await OpenAsync(db, logger: _logger))
        {
            for (var seq = 1; seq <= 6; seq++)
            {
                await outbox.AppendAsync(seq == 3 ? Record(seq, bytes: 100) : Telemetry(seq, 100), CancellationToken.None);
            }
        }

        var lowered = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 200, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using var reopened = await OpenAsync(db, lowered, logger: _logger);

        Assert.Equal(new DroppedTelemetry(3, 1, 4, 300), await reopened.EnforceBudgetsAsync(CancellationToken.None));
        await AssertSeqsAsync(reopened, 3L, 5, 6);
        Assert.Equal(new long[] { 1, 2, 4 }, await TombstonesAsync(reopened));
    }

    [Fact]
    public async Task AppendAsync_BudgetReached_LogsTheRefusalOnceNotPerRecord()
    {
        var options = new OutboxOptions { MaxBytes = 100, MaxTelemetryBytes = 100, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), options, logger: _logger);
        await outbox.AppendAsync(Record(1, bytes: 100), CancellationToken.None);
        for (var seq = 2; seq <= 10; seq++)
        {
            Assert.Equal(Refused, await outbox.AppendAsync(Telemetry(seq, 1), CancellationToken.None));
        }

        Assert.Single(_logger.Entries, e => e.EventId.Id == 4003);
    }

    [Fact]
    public async Task AppendAsync_ReportRecord_ClearsOnlyTheDropsItReportsAndNewDropsStayPending()
    {
        var db = _dir.Combine("outbox.db");
        var options = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 100, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using (var outbox = await OpenAsync(db, options, logger: _logger))
        {
            await outbox.AppendAsync(Telemetry(1, 100), CancellationToken.None);
            await outbox.AppendAsync(Telemetry(2, 100), CancellationToken.None); // drops 1
            var report = await outbox.EnforceBudgetsAsync(CancellationToken.None);
            Assert.Equal(new DroppedTelemetry(1, 1, 1, 100), report);

            await outbox.AppendAsync(Telemetry(3, 100), CancellationToken.None); // drops 2 after the report was taken
            Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(Report(4, report!), CancellationToken.None));
        }

        // The report and its clearing survived a restart; the drop made after it is still pending, alone.
        await using var reopened = await OpenAsync(db, options, logger: _logger);
        var next = await reopened.EnforceBudgetsAsync(CancellationToken.None);
        Assert.Equal(new DroppedTelemetry(1, 2, 2, 100), next);
        Assert.Equal(next, await reopened.EnforceBudgetsAsync(CancellationToken.None));
        await reopened.AppendAsync(Report(5, next!), CancellationToken.None);
        Assert.Null(await reopened.EnforceBudgetsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_ReportNotMatchingThePendingDrops_RefusedAndDropsKept()
    {
        var options = new OutboxOptions { MaxBytes = 1L << 20, MaxTelemetryBytes = 100, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), options, logger: _logger);
        await outbox.AppendAsync(Telemetry(1, 100), CancellationToken.None);
        await outbox.AppendAsync(Telemetry(2, 100), CancellationToken.None);
        var report = (await outbox.EnforceBudgetsAsync(CancellationToken.None))!;

        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync(Report(3, report with { Count = 2 }), CancellationToken.None));

        Assert.Contains("not what is pending", e.Message, StringComparison.Ordinal);
        Assert.Equal(report, await outbox.EnforceBudgetsAsync(CancellationToken.None));
        Assert.Equal(2, (await outbox.HeadAsync(CancellationToken.None)).Seq);
    }

    [Fact]
    public async Task ReadAsync_TombstoneOfRefusedTelemetry_HasSeqHashAndNoBytesAndSurvivesReopen()
    {
        var db = _dir.Combine("outbox.db");
        var options = new OutboxOptions { MaxBytes = 100, MaxTelemetryBytes = 100, MaxTelemetryAge = TimeSpan.FromDays(1) };
        await using (var outbox = await OpenAsync(db, options, logger: _logger))
        {
            await outbox.AppendAsync(Record(1, bytes: 100), CancellationToken.None);
            Assert.Equal(Refused, await outbox.AppendAsync(Telemetry(2, 50), CancellationToken.None));
            Assert.Equal(Stored, await outbox.AppendAsync(Record(3, bytes: 10), CancellationToken.None));
        }

        await using var reopened = await OpenAsync(db, options, logger: _logger);
        var tombstone = (await reopened.ReadAsync(1, 1, CancellationToken.None)).Single();

        Assert.Equal((2L, RecordClass.Telemetry, RecordTypes.EnvSample, HashOf(2), HashOf(1), true, 0), (tombstone.Seq, tombstone.Class, tombstone.Type, tombstone.Hash, tombstone.Prev, tombstone.IsDropped, tombstone.Payload.Length));
        Assert.Equal(new OutboxDepth(2, 110, 1, 0), await reopened.DepthAsync(CancellationToken.None));
        Assert.Equal(new DroppedTelemetry(1, 2, 2, 50), await reopened.EnforceBudgetsAsync(CancellationToken.None));
    }
}
