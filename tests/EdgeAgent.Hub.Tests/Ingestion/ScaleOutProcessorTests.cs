using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Ingestion;

/// <summary>
/// Ingestion on a PostgreSQL store that several workers share: batches that arrive ahead of their predecessor are parked,
/// not flagged, and applied when the head reaches them, whichever worker gets there; the grace period's end flags them.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ScaleOutProcessorTests(PostgresFixture postgres) : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_403_200_000));
    private readonly ListLogger<IngestionProcessor> _logger = new();
    private readonly List<IDisposable> _owned = [];

    [SkippableFact]
    public async Task Process_BatchesInReverseOrder_ParkedUnackedThenAllAppliedOnce()
    {
        var uri = await postgres.DatabaseAsync();
        using var device = new TestDevice("GL-0200");
        var (store, processor) = Worker(uri, device);
        var batches = Enumerable.Range(0, 3).Select(_ => new IncomingBatch(device.EventsTopic, device.Batch(device.NextRecords(10)))).ToList();

        var third = Assert.Single(processor.Process([batches[2]])).Ack;
        var second = Assert.Single(processor.Process([batches[1]])).Ack;
        var first = Assert.Single(processor.Process([batches[0]])).Ack;

        Assert.Equal([0L, 0L, 30L], new[] { third, second, first }.Select(a => a.AckedSeq));
        Assert.All(new[] { third, second, first }, a => Assert.Empty(a.Rejected));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), store.Records(device.DeviceId, 0).Select(r => r.Seq));
        Assert.Equal(new Dictionary<string, long> { [IngestionProcessor.BatchParked] = 2 }, store.Counters());
        Assert.Empty(store.Parked(device.DeviceId));
        Assert.Empty(_logger.Entries);
    }

    [SkippableFact]
    public async Task Process_TwoWorkersTakingAlternateBatchesAtOnce_EveryRecordOnceNoRejection()
    {
        var uri = await postgres.DatabaseAsync();
        using var a = new TestDevice("GL-0201");
        using var b = new TestDevice("GL-0202");
        var (store, first) = Worker(uri, a, b);
        var (_, second) = Worker(uri);
        var batches = Enumerable.Range(0, 40).SelectMany(_ => new[] { a, b }.Select(d => new IncomingBatch(d.EventsTopic, d.Batch(d.NextRecords(5))))).ToList();
        var shares = new[] { batches.Where((_, i) => i % 4 < 2).ToList(), batches.Where((_, i) => i % 4 >= 2).ToList() };

        var acks = await Task.WhenAll(new[] { first, second }.Select((p, w) => Task.Run(() => shares[w].Chunk(3).SelectMany(g => p.Process(g)).ToList())));

        foreach (var device in new[] { a, b })
        {
            Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), store.Records(device.DeviceId, 0).Select(r => r.Seq));
            Assert.Equal(200, acks.SelectMany(x => x).Where(x => x.Ack.DeviceId == device.DeviceId).Max(x => x.Ack.AckedSeq));
            Assert.Empty(store.Parked(device.DeviceId));
        }

        Assert.DoesNotContain(store.Counters().Keys, k => k != IngestionProcessor.BatchParked);
        Assert.All(acks.SelectMany(x => x), x => Assert.Empty(x.Ack.Rejected));
    }

    [SkippableFact]
    public async Task SweepExpired_PredecessorNeverCame_FlaggedGapOnlyAfterGrace()
    {
        var uri = await postgres.DatabaseAsync();
        using var device = new TestDevice("GL-0203");
        var (store, processor) = Worker(uri, device);
        _ = device.NextRecords(4); // never sent
        var late = new IncomingBatch(device.EventsTopic, device.Batch(device.NextRecords(4)));

        Assert.Empty(Assert.Single(processor.Process([late])).Ack.Rejected);
        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Empty(processor.SweepExpired());
        _time.Advance(TimeSpan.FromSeconds(2));
        var ack = Assert.Single(processor.SweepExpired()).Ack;

        Assert.Equal(0, ack.AckedSeq);
        Assert.Equal([5L, 6L, 7L, 8L], ack.Rejected.Select(r => r.Seq));
        Assert.All(ack.Rejected, r => Assert.Equal(RejectionReasons.Gap, r.Reason));
        Assert.Equal(new Dictionary<string, long> { [IngestionProcessor.BatchParked] = 1, [RejectionReasons.Gap] = 4 }, store.Counters());
        Assert.Empty(store.Parked(device.DeviceId));
        Assert.Empty(store.Records(device.DeviceId, 0));
    }

    [SkippableFact]
    public async Task Process_ForgedOrHoledBatches_FlaggedAtOnceWithTheirReason()
    {
        var uri = await postgres.DatabaseAsync();
        using var device = new TestDevice("GL-0204");
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var (store, processor) = Worker(uri, device);
        Assert.Empty(Assert.Single(processor.Process([new(device.EventsTopic, device.Batch(device.NextRecords(2)))])).Ack.Rejected);
        var r3 = device.Next();
        _ = device.Next(); // seq 4, left out: a hole inside a batch that starts at head + 1
        var holed = new IncomingBatch(device.EventsTopic, device.Batch([r3, device.Next()]));
        var forgedAhead = new IncomingBatch(device.EventsTopic, device.Batch(device.NextRecords(2), signer: forger));

        var forged = Assert.Single(processor.Process([forgedAhead])).Ack;
        var hole = Assert.Single(processor.Process([holed])).Ack;

        Assert.All(forged.Rejected, r => Assert.Equal(RejectionReasons.BadSignature, r.Reason));
        Assert.NotEmpty(forged.Rejected);
        Assert.NotEmpty(hole.Rejected);
        Assert.All(hole.Rejected, r => Assert.Equal(RejectionReasons.Gap, r.Reason));
        Assert.Empty(store.Parked(device.DeviceId));
        Assert.Equal(2, store.Head(device.DeviceId)!.Value.Seq);
    }

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned))
        {
            d.Dispose();
        }
    }

    private (PostgresStore Store, IngestionProcessor Processor) Worker(string uri, params TestDevice[] enrol)
    {
        var store = PostgresStore.Open(uri);
        _owned.Add(store);
        foreach (var d in enrol)
        {
            Assert.True(Devices.DeviceKeys.TryRead(d.PublicKeyPem, out var pem, out var keyId, out _));
            store.Enroll(new DeviceRow(d.DeviceId, d.ProductId, pem, keyId, 1));
        }

        var processor = new IngestionProcessor(store, _time, _logger, store, Grace);
        _owned.Add(processor);
        return (store, processor);
    }
}
