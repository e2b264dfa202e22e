using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

public sealed class SqliteOutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ListLogger<Storage.Outbox.SqliteOutbox> _logger = new();

    private string Db => _dir.Combine("outbox.db");

    public void Dispose()
    {
        AssertNoErrors(_logger);
        _dir.Dispose();
    }

    [Fact]
    public async Task ReadAsync_AfterAppends_ReturnsRecordsInSeqOrderWithTheirExactBytes()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        OutboxRecord[] appended = [Record(1), Telemetry(2, 17), Record(3, bytes: 0), Telemetry(4, 1000)];
        foreach (var r in appended)
        {
            Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(r, CancellationToken.None));
        }

        var read = await ReadAllAsync(outbox);

        Assert.Equal(appended.Select(r => (r.Seq, r.Class, r.Type, r.Hash, r.Prev, false)), read.Select(r => (r.Seq, r.Class, r.Type, r.Hash, r.Prev, r.IsDropped)));
        Assert.All(appended.Zip(read), p => Assert.Equal(p.First.Payload.ToArray(), p.Second.Payload.ToArray()));
    }

    [Fact]
    public async Task ReadAsync_AfterSeqAndMax_ReturnsOnlyThatPage()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        for (var seq = 1; seq <= 10; seq++)
        {
            await outbox.AppendAsync(Record(seq), CancellationToken.None);
        }

        var page = await outbox.ReadAsync(3, 4, CancellationToken.None);

        Assert.Equal([4L, 5, 6, 7], page.Select(r => r.Seq));
        Assert.Empty(await outbox.ReadAsync(10, 4, CancellationToken.None));
    }

    [Fact]
    public async Task AcknowledgeAsync_Seq_DeletesEverythingUpToItAndMovesTheCheckpoint()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        for (var seq = 1; seq <= 6; seq++)
        {
            await outbox.AppendAsync(seq % 2 == 0 ? Telemetry(seq, 100) : Record(seq, bytes: 10), CancellationToken.None);
        }

        await outbox.AcknowledgeAsync(4, CancellationToken.None);

        await AssertSeqsAsync(outbox, 5L, 6);
        Assert.Equal(4, await outbox.AcknowledgedAsync(CancellationToken.None));
        Assert.Equal(new OutboxDepth(1, 10, 1, 100), await outbox.DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AcknowledgeAsync_RepeatedOrBelowCheckpoint_ChangesNothing()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        for (var seq = 1; seq <= 5; seq++)
        {
            await outbox.AppendAsync(Record(seq), CancellationToken.None);
        }

        await outbox.AcknowledgeAsync(3, CancellationToken.None);
        var transactions = outbox.TransactionCount;

        await outbox.AcknowledgeAsync(3, CancellationToken.None);
        await outbox.AcknowledgeAsync(1, CancellationToken.None);
        await outbox.AcknowledgeAsync(0, CancellationToken.None);

        Assert.Equal(3, await outbox.AcknowledgedAsync(CancellationToken.None));
        await AssertSeqsAsync(outbox, 4L, 5);
        Assert.Equal(transactions, outbox.TransactionCount);
    }

    [Fact]
    public async Task AcknowledgeAsync_AboveLastAppendedSeq_ThrowsNamingBoth()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        for (var seq = 1; seq <= 7; seq++)
        {
            await outbox.AppendAsync(Record(seq), CancellationToken.None);
        }

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await outbox.AcknowledgeAsync(8, CancellationToken.None));

        Assert.Contains("seq 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("seq 7", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await outbox.AcknowledgedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_AfterDispose_RecordsCheckpointAndDepthSurvive()
    {
        await using (var outbox = await OpenAsync(Db, logger: _logger))
        {
            for (var seq = 1; seq <= 8; seq++)
            {
                await outbox.AppendAsync(seq <= 4 ? Record(seq, bytes: 50) : Telemetry(seq, 70), CancellationToken.None);
            }

            await outbox.AcknowledgeAsync(2, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(Db, logger: _logger);

        Assert.Equal(2, await reopened.AcknowledgedAsync(CancellationToken.None));
        await AssertSeqsAsync(reopened, 3L, 4, 5, 6, 7, 8);
        Assert.Equal(Telemetry(6, 70).Payload.ToArray(), (await reopened.ReadAsync(5, 1, CancellationToken.None))[0].Payload.ToArray());
        Assert.Equal(new OutboxDepth(2, 100, 4, 280), await reopened.DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_EverythingAcknowledged_CheckpointSurvivesAndOldSeqsStayRefused()
    {
        await using (var outbox = await OpenAsync(Db, logger: _logger))
        {
            await outbox.AppendAsync(Record(1), CancellationToken.None);
            await outbox.AppendAsync(Record(2), CancellationToken.None);
            await outbox.AcknowledgeAsync(2, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(Db, logger: _logger);

        Assert.Equal(2, await reopened.AcknowledgedAsync(CancellationToken.None));
        Assert.Empty(await SeqsAsync(reopened));
        await Assert.ThrowsAsync<NotNextLinkException>(async () => await reopened.AppendAsync(Record(2), CancellationToken.None));
        Assert.Equal(AppendOutcome.Stored, await reopened.AppendAsync(Record(3), CancellationToken.None));
    }

    [Theory]
    [InlineData(5, 5, 5)]
    [InlineData(5, 4, 4)]
    [InlineData(5, 1, 1)]
    [InlineData(5, 7, 7)]
    [InlineData(5, 6, 3)]
    [InlineData(0, 2, 2)]
    [InlineData(0, 1, 3)]
    public async Task AppendAsync_NotTheNextLink_ThrowsNamingRecordAndHeadAndStoresNothing(long stored, long appended, long prevOf)
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        for (var seq = 1; seq <= stored; seq++)
        {
            await outbox.AppendAsync(Record(seq), CancellationToken.None);
        }

        var record = Record(appended) with { Prev = HashOf(prevOf - 1) };
        var e = await Assert.ThrowsAsync<NotNextLinkException>(async () => await outbox.AppendAsync(record, CancellationToken.None));

        Assert.Contains($"record seq {appended} naming prev {HashOf(prevOf - 1)}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"the head is seq {stored} with hash {HashOf(stored)}", e.Message, StringComparison.Ordinal);
        Assert.Equal(LongRange(stored), await SeqsAsync(outbox));
        Assert.Equal(new ChainHead(stored, HashOf(stored)), await outbox.HeadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_QueuedBehindARefusedLink_FailToo()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);

        // Queued without awaiting, so they share a group commit: 2 names the wrong predecessor, 3 names 2.
        var first = outbox.AppendAsync(Record(1), CancellationToken.None).AsTask();
        var broken = outbox.AppendAsync(Record(2) with { Prev = HashOf(5) }, CancellationToken.None).AsTask();
        var behind = outbox.AppendAsync(Record(3), CancellationToken.None).AsTask();

        Assert.Equal(AppendOutcome.Stored, await first);
        await Assert.ThrowsAsync<NotNextLinkException>(() => broken);
        await Assert.ThrowsAsync<NotNextLinkException>(() => behind);
        Assert.Equal(new ChainHead(1, HashOf(1)), await outbox.HeadAsync(CancellationToken.None));
        Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(Record(2), CancellationToken.None));
    }

    [Fact]
    public async Task StartBootAsync_EachStart_IncrementsTheDurableBootCounterAndReturnsHeadAndAcknowledged()
    {
        await using (var outbox = await OpenAsync(Db, logger: _logger))
        {
            var first = await outbox.StartBootAsync(CancellationToken.None);
            Assert.Equal(new LedgerState(1, ChainHead.Genesis, null, 0), first);
            for (var seq = 1; seq <= 3; seq++)
            {
                await outbox.AppendAsync(Record(seq), CancellationToken.None);
            }

            await outbox.AcknowledgeAsync(2, CancellationToken.None);
        }

        await using (var reopened = await OpenAsync(Db, logger: _logger))
        {
            Assert.Equal(new LedgerState(2, new ChainHead(3, HashOf(3)), null, 2), await reopened.StartBootAsync(CancellationToken.None));
        }

        await using var third = await OpenAsync(Db, logger: _logger);
        Assert.Equal(3, (await third.StartBootAsync(CancellationToken.None)).Boot);
    }

    [Fact]
    public async Task AppendAsync_DeviceActivated_SetsActivationSeqOnceAndItSurvivesAcknowledgement()
    {
        await using (var outbox = await OpenAsync(Db, logger: _logger))
        {
            await outbox.AppendAsync(Record(1), CancellationToken.None);
            await outbox.AppendAsync(Record(2, type: RecordTypes.DeviceActivated), CancellationToken.None);
            await outbox.AppendAsync(Record(3, type: RecordTypes.DeviceActivated), CancellationToken.None); // a reactivation
            await outbox.AcknowledgeAsync(3, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(Db, logger: _logger);
        Assert.Equal(2, (await reopened.StartBootAsync(CancellationToken.None)).ActivationSeq);
    }

    private static long[] LongRange(long last) => [.. Enumerable.Range(1, (int)last).Select(i => (long)i)];

    [Fact]
    public async Task AppendAsync_OutOfOrderInsideOneBatch_RefusesOnlyThatRecord()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);

        // Queued without awaiting, so they share a group commit.
        var first = outbox.AppendAsync(Record(1), CancellationToken.None).AsTask();
        var stale = outbox.AppendAsync(Record(1), CancellationToken.None).AsTask();
        var third = outbox.AppendAsync(Record(2), CancellationToken.None).AsTask();

        Assert.Equal(AppendOutcome.Stored, await first);
        await Assert.ThrowsAsync<NotNextLinkException>(() => stale);
        Assert.Equal(AppendOutcome.Stored, await third);
        await AssertSeqsAsync(outbox, 1L, 2);
    }

    [Fact]
    public async Task AppendAsync_CancelledToken_StoresNothing()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await outbox.AppendAsync(Record(1), cancelled.Token));

        Assert.Empty(await SeqsAsync(outbox));
        Assert.Equal(AppendOutcome.Stored, await outbox.AppendAsync(Record(1), CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var outbox = await OpenAsync(Db, logger: _logger);
        await outbox.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.AppendAsync(Record(1), CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_AppendsStillQueued_CommitsThemBeforeClosing()
    {
        var outbox = await OpenAsync(Db, logger: _logger);
        var appends = Enumerable.Range(1, 50).Select(seq => outbox.AppendAsync(Record(seq), CancellationToken.None).AsTask()).ToList();

        await outbox.DisposeAsync();

        Assert.All(await Task.WhenAll(appends), o => Assert.Equal(AppendOutcome.Stored, o));
        await using var reopened = await OpenAsync(Db, logger: _logger);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), await SeqsAsync(reopened));
    }

    [Fact]
    public async Task DepthAsync_MixedClasses_CountsRecordsAndBytesPerClass()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);
        await outbox.AppendAsync(Record(1, bytes: 10), CancellationToken.None);
        await outbox.AppendAsync(Telemetry(2, 20), CancellationToken.None);
        await outbox.AppendAsync(Telemetry(3, 30), CancellationToken.None);
        await outbox.AppendAsync(Record(4, bytes: 40), CancellationToken.None);

        Assert.Equal(new OutboxDepth(2, 50, 2, 50), await outbox.DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_NewFile_IsWalWithSchemaVersionAndOutboxId()
    {
        await (await OpenAsync(Db, logger: _logger)).DisposeAsync();

        using var raw = Raw(Db);
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
        Assert.Equal("3", Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal(Storage.Outbox.OutboxSchema.ApplicationId.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(raw, "PRAGMA application_id;"));
        Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check;"));
    }

    [Fact]
    public async Task OpenAsync_NewFile_ConnectionIsWalSynchronousFullAndExclusive()
    {
        await using var outbox = await OpenAsync(Db, logger: _logger);

        Assert.Equal("wal", await outbox.PragmaAsync("journal_mode"));
        Assert.Equal("2", await outbox.PragmaAsync("synchronous"));
        Assert.Equal("exclusive", await outbox.PragmaAsync("locking_mode"));
    }
}
