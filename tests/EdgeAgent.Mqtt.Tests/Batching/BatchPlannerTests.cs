using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Mqtt.Batching;
using EdgeAgent.TestKit.Ledger;
using EdgeAgent.TestKit.Outbox;

namespace EdgeAgent.Mqtt.Tests.Batching;

public sealed class BatchPlannerTests
{
    [Fact]
    public async Task Plan_EntriesAboveTheSizeLimit_SplitsIntoContiguousBatchesUnderIt()
    {
        using var signer = new TestCheckpointSigner("GL-0001", "smart-glasses");
        var entries = await Entries(30);
        var limit = 4096;

        var batches = new BatchPlanner(signer, limit).Plan(entries);

        Assert.True(batches.Count > 1);
        Assert.All(batches, b => Assert.InRange(b.Payload.Length, 1, limit));
        Assert.Equal(1, batches[0].FirstSeq);
        Assert.Equal(30, batches[^1].LastSeq);
        for (var i = 1; i < batches.Count; i++)
        {
            Assert.Equal(batches[i - 1].LastSeq + 1, batches[i].FirstSeq);
        }

        using var key = signer.PublicKey();
        Assert.All(batches, b =>
        {
            Assert.True(RecordBatch.TryRead(b.Payload, out var batch, out _, out _));
            Assert.Equal(b.LastSeq, batch!.Checkpoint.Seq);
            Assert.True(batch.Checkpoint.VerifiedBy(key, "GL-0001"));
        });
    }

    [Fact]
    public async Task Plan_Tombstone_GoesInDroppedAndTheCheckpointSignsTheLastEntry()
    {
        using var signer = new TestCheckpointSigner("GL-0001", "smart-glasses");
        var entries = (await Entries(3)).ToList();
        entries[2] = entries[2] with { Payload = ReadOnlyMemory<byte>.Empty, IsDropped = true };

        var planned = Assert.Single(new BatchPlanner(signer).Plan(entries));

        Assert.True(RecordBatch.TryRead(planned.Payload, out var batch, out _, out _));
        Assert.Equal(2, batch!.Records.Count);
        var tombstone = Assert.Single(batch.Dropped);
        Assert.Equal(new Tombstone { Seq = 3, Hash = entries[2].Hash }, tombstone);
        Assert.Equal(entries[2].Hash, batch.Checkpoint.Hash);
    }

    private static async Task<IReadOnlyList<OutboxRecord>> Entries(int count)
    {
        var outbox = new InMemoryOutbox();
        var chain = new TestChain(outbox, new AppendSignal(), "GL-0001", "smart-glasses");
        await chain.AppendAsync(count, telemetry: true);
        return await outbox.ReadAsync(0, count, CancellationToken.None);
    }
}
