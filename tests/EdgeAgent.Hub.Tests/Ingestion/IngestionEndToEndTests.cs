using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Hub.Tests.Ingestion;

/// <summary>Ingestion through a real broker: the embedded one, and Mosquitto (one code path for both).</summary>
public abstract class IngestionEndToEndTests : IAsyncLifetime
{
    private HubUnderTest _hub = null!;

    protected abstract bool UseMosquitto { get; }

    public async Task InitializeAsync() => _hub = await HubUnderTest.StartAsync(UseMosquitto);

    public async Task DisposeAsync()
    {
        var logs = _hub.Logs;
        await _hub.DisposeAsync();
        logs.AssertNoErrors();
    }

    [Fact]
    public async Task Ingest_HonestBatchesAndResend_StoredOnceAckedAgainNotRejected()
    {
        using var device = new TestDevice("GL-0001");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-1", device);

        var first = device.Batch(device.NextRecords(3));
        var ack = await client.SendAsync(device, first);
        Assert.Equal(3, ack.AckedSeq);
        Assert.Empty(ack.Rejected);

        var second = await client.SendAsync(device, device.Batch(device.NextRecords(2)));
        Assert.Equal(5, second.AckedSeq);

        var resend = await client.SendAsync(device, first);
        Assert.Equal(5, resend.AckedSeq);
        Assert.Empty(resend.Rejected);

        using var store = _hub.OpenStore();
        Assert.Equal([1L, 2, 3, 4, 5], store.Records(device.DeviceId, 1).Select(r => r.Seq));
        Assert.Empty(store.Rejections(device.DeviceId, 10).Latest);
    }

    [Fact]
    public async Task Ingest_AlteredRecord_FlaggedBrokenChainNotStored()
    {
        using var device = new TestDevice("GL-0002");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-2", device);
        var records = device.NextRecords(3);
        records[1] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(records[1]).Replace("\"period_s\":900", "\"period_s\":901", StringComparison.Ordinal));

        var ack = await client.SendAsync(device, device.Batch(records));

        Assert.Equal(0, ack.AckedSeq);
        Assert.Contains(ack.Rejected, r => r.Seq == 2 && r.Reason == RejectionReasons.BrokenChain);
        Assert.Contains(ack.Rejected, r => r.Seq == 3 && r.Reason == RejectionReasons.BrokenChain);
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(device.DeviceId, 1));
    }

    [Fact]
    public async Task Ingest_AlteredLastRecord_FlaggedBadSignature()
    {
        using var device = new TestDevice("GL-0003");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-3", device);
        var records = device.NextRecords(2);
        var batch = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(device.Batch(records)).Replace("\"mono_ms\":1001", "\"mono_ms\":1002", StringComparison.Ordinal));

        var ack = await client.SendAsync(device, batch);

        Assert.Equal(0, ack.AckedSeq);
        Assert.All(ack.Rejected, r => Assert.Equal(RejectionReasons.BadSignature, r.Reason));
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(device.DeviceId, 1));
    }

    [Fact]
    public async Task Ingest_RemovedRecord_FlaggedGapAckedSeqStays()
    {
        using var device = new TestDevice("GL-0004");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-4", device);
        Assert.Equal(2, (await client.SendAsync(device, device.Batch(device.NextRecords(2)))).AckedSeq);
        var records = device.NextRecords(3);
        records.RemoveAt(0);

        var ack = await client.SendAsync(device, device.Batch(records));

        Assert.Equal(2, ack.AckedSeq);
        Assert.Contains(ack.Rejected, r => r.Seq == 4 && r.Reason == RejectionReasons.Gap);
        Assert.Contains(ack.Rejected, r => r.Seq == 5 && r.Reason == RejectionReasons.Gap);
    }

    [Fact]
    public async Task Ingest_ReorderedRecords_FlaggedBrokenChain()
    {
        using var device = new TestDevice("GL-0005");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-5", device);
        var records = device.NextRecords(4);
        var r2 = TestDevice.Decode(records[1]);
        var r3 = TestDevice.Decode(records[2]);
        // Swap the places of records 2 and 3: each keeps its content and prev, takes the other's seq.
        records[1] = device.Encode(2, r3.Prev, monoMs: r3.MonoMs);
        records[2] = device.Encode(3, r2.Prev, monoMs: r2.MonoMs);

        var ack = await client.SendAsync(device, device.Batch(records));

        Assert.Equal(0, ack.AckedSeq);
        Assert.Contains(ack.Rejected, r => r.Seq == 2 && r.Reason == RejectionReasons.BrokenChain);
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(device.DeviceId, 1));
    }

    [Fact]
    public async Task Ingest_ReplayedSeqWithOtherContent_FlaggedReplay()
    {
        using var device = new TestDevice("GL-0006");
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-6", device);
        var records = device.NextRecords(3);
        Assert.Equal(3, (await client.SendAsync(device, device.Batch(records))).AckedSeq);
        var replayed = device.Encode(2, RecordCodec.Hash(records[0]), data: """{"period_s":1}""");

        var ack = await client.SendAsync(device, device.Batch([replayed]));

        Assert.Equal(3, ack.AckedSeq);
        Assert.Equal([new RejectedRecord { Seq = 2, Reason = RejectionReasons.Replay }], ack.Rejected);
        using var store = _hub.OpenStore();
        Assert.Equal(RecordCodec.Hash(records[1]), store.HeldHashes(device.DeviceId, 2, 2)[2]);
    }

    [Fact]
    public async Task Ingest_BatchSignedWithAnotherKey_FlaggedBadSignature()
    {
        using var device = new TestDevice("GL-0007");
        using var intruder = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        _hub.Enroll(device);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-7", device);
        await using var injector = await DeviceClient.ConnectAsync(_hub.Broker, "intruder");

        await injector.PublishAsync(device.EventsTopic, device.Batch(device.NextRecords(2), signer: intruder));
        var ack = await client.NextAckAsync(device);

        Assert.Equal(0, ack.AckedSeq);
        Assert.All(ack.Rejected, r => Assert.Equal(RejectionReasons.BadSignature, r.Reason));
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(device.DeviceId, 1));
    }

    [Fact]
    public async Task Ingest_RecordOfAnotherDevice_FlaggedWrongTopic()
    {
        using var device = new TestDevice("GL-0008");
        using var other = new TestDevice("GL-0009");
        _hub.Enroll(device);
        _hub.Enroll(other);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-8", device, other);
        var foreign = other.Next();
        var records = device.NextRecords(2);

        var ack = await client.SendAsync(device, device.Batch([records[0], foreign, records[1]]));
        var onWrongTopic = await client.SendAsync(device, other.Batch([other.Next()]), topic: device.EventsTopic);

        Assert.Equal(2, ack.AckedSeq);
        Assert.Equal([new RejectedRecord { Seq = 1, Reason = RejectionReasons.WrongTopic }], ack.Rejected);
        Assert.Equal([new RejectedRecord { Seq = 0, Reason = RejectionReasons.WrongTopic }], onWrongTopic.Rejected);
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(other.DeviceId, 1));
    }

    [Fact]
    public async Task Ingest_BadInputFromOneDevice_CountedByReasonWhileAnotherKeepsFlowing()
    {
        using var honest = new TestDevice("GL-0010");
        using var bad = new TestDevice("GL-0011");
        using var stranger = new TestDevice("GL-0012");
        _hub.Enroll(honest);
        _hub.Enroll(bad);
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-10", honest, bad, stranger);
        var oversized = new byte[RecordBatch.MaxBatchBytes + 1];
        Array.Fill(oversized, (byte)' ');

        var cases = new (TestDevice Device, byte[] Payload, string Reason)[]
        {
            (bad, "{not json"u8.ToArray(), RejectionReasons.Malformed),
            (bad, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bad.Batch([bad.Encode(1, EvidenceRecord.GenesisPrev)])).Replace("{\"v\":1,\"device_id\"", "{\"v\":2,\"device_id\"", StringComparison.Ordinal)), RejectionReasons.SchemaVersion),
            (bad, oversized, RejectionReasons.Oversized),
            (stranger, stranger.Batch(stranger.NextRecords(1)), RejectionReasons.UnknownDevice),
        };
        var seq = 0;
        foreach (var (device, payload, reason) in cases)
        {
            var rejected = await client.SendAsync(device, payload);
            Assert.Equal([new RejectedRecord { Seq = 0, Reason = reason }], rejected.Rejected);
            var flowing = await client.SendAsync(honest, honest.Batch(honest.NextRecords(2)));
            seq += 2;
            Assert.Equal(seq, flowing.AckedSeq);
        }

        using var store = _hub.OpenStore();
        var counters = store.Counters();
        foreach (var (_, _, reason) in cases)
        {
            Assert.Equal(1, counters[reason]);
        }

        Assert.Equal(8, store.Records(honest.DeviceId, 1).Count);
    }

    [Fact]
    public async Task Clock_Request_AnsweredWithHubTime()
    {
        using var device = new TestDevice("GL-0013");
        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "dev-13", device);

        await client.PublishAsync(Topics.Clock(device.ProductId, device.DeviceId), ClockSyncRequest.Write(new ClockSyncRequest { Boot = 3, MonoMs = 120500 }));
        var (_, payload) = await client.NextAsync(Topics.Command(device.ProductId, device.DeviceId, Topics.ClockCommand));

        Assert.True(ClockSyncReply.TryRead(payload, out var reply));
        Assert.Equal(3, reply!.Boot);
        Assert.Equal(120500, reply.MonoMs);
        Assert.InRange(reply.HubMs, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 60_000, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
    }
}

public sealed class EmbeddedBrokerIngestionTests : IngestionEndToEndTests
{
    protected override bool UseMosquitto => false;
}

public sealed class MosquittoIngestionTests : IngestionEndToEndTests
{
    protected override bool UseMosquitto => true;
}
