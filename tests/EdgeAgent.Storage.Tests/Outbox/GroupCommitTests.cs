using EdgeAgent.Core.Outbox;
using Xunit.Abstractions;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

public sealed class GroupCommitTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ListLogger<Storage.Outbox.SqliteOutbox> _logger = new();

    public void Dispose()
    {
        AssertNoErrors(_logger);
        _dir.Dispose();
    }

    [Fact]
    public async Task AppendAsync_ThousandConcurrentAppendsFromManyTasks_AllStoredInFarFewerTransactions()
    {
        const int Tasks = 50;
        const int PerTask = 20;
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), logger: _logger);
        var before = outbox.TransactionCount;
        var gate = new Lock();
        long next = 0;

        // Like the ledger: a seq is allocated and enqueued under one lock, and awaited outside it.
        async Task AppendManyAsync()
        {
            for (var i = 0; i < PerTask; i++)
            {
                ValueTask<AppendOutcome> append;
                lock (gate)
                {
                    var seq = ++next;
                    append = outbox.AppendAsync(seq % 3 == 0 ? Record(seq) : Telemetry(seq), CancellationToken.None);
                }

                Assert.Equal(AppendOutcome.Stored, await append);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(AppendManyAsync)));

        var transactions = outbox.TransactionCount - before;
        Assert.Equal(Enumerable.Range(1, Tasks * PerTask).Select(i => (long)i), await SeqsAsync(outbox));
        output.WriteLine($"{Tasks * PerTask} appends in {transactions} transactions");
        Assert.True(transactions <= Tasks * PerTask / 4, $"{Tasks * PerTask} appends took {transactions} transactions");
    }

    [Fact]
    public async Task AppendAsync_OneWriterAwaitingEach_UsesOneTransactionPerAppend()
    {
        await using var outbox = await OpenAsync(_dir.Combine("outbox.db"), logger: _logger);
        var before = outbox.TransactionCount;

        for (var seq = 1; seq <= 20; seq++)
        {
            await outbox.AppendAsync(Record(seq), CancellationToken.None);
        }

        Assert.Equal(20, outbox.TransactionCount - before);
    }
}
