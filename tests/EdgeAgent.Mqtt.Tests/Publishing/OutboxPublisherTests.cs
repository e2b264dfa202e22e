using EdgeAgent.Contracts.Records;
using EdgeAgent.Mqtt.Tests.Brokers;
using EdgeAgent.Mqtt.Tests.Hub;

namespace EdgeAgent.Mqtt.Tests.Publishing;

/// <summary>The publisher end to end, against real Mosquitto and the embedded MQTTnet broker, with the test hub.</summary>
public sealed class OutboxPublisherTests
{
    public static TheoryData<string> Brokers => BrokerUnderTest.Kinds;

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_RecordsAppended_DrainInOrderAndAreDeletedAfterTheAck(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, o => o.BatchMaxRecords = 7);

        for (var i = 0; i < 5; i++)
        {
            await h.Chain.AppendAsync(10);
        }

        await h.AckedReachesAsync(50);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), h.Hub.FirstArrivals);
        Assert.Empty(h.Hub.Problems);
        Assert.Equal(0, h.Outbox.Count);
        await Eventually.TrueAsync(() => h.Publisher.Status.AckedSeq == 50, "status shows the ack");
        var status = h.Publisher.Status;
        Assert.True(status.Connected);
        Assert.Equal(50, status.SentSeq);
        Assert.NotNull(status.LastAckAt);
        Assert.True(status.RecordsSent >= 50);
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task ExecuteAsync_MqttsTrustingTheBrokersCa_DrainsOverTls()
    {
        await using var h = await PublisherHarness.StartAsync(BrokerUnderTest.MosquittoTls);

        await h.Chain.AppendAsync(20);

        await h.AckedReachesAsync(20);
        Assert.StartsWith("mqtts://127.0.0.1:", h.Publisher.Status.Broker, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), h.Hub.FirstArrivals);
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task ExecuteAsync_MqttsWithAnotherCa_NeverConnectsSaysWhyAndKeepsTheRecords()
    {
        using var other = new TestKit.Mqtt.TestCertificates(TimeProvider.System);
        await using var h = await PublisherHarness.StartAsync(BrokerUnderTest.MosquittoTls, o => o.CaFile = other.CaFile);

        await h.Chain.AppendAsync(3);

        await Eventually.TrueAsync(() => h.Publisher.Status.LastError is not null, "the publisher reports the failed handshake");
        Assert.False(h.Publisher.Status.Connected);
        Assert.Empty(h.Hub.FirstArrivals);
        Assert.Equal(3, h.Outbox.Count);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task StopAsync_RecordsAppendedJustBefore_AreAcknowledgedBeforeTheLoopStops(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker);
        await Eventually.TrueAsync(() => h.Publisher.Status.Connected, "connected");

        await h.Chain.AppendAsync(25);
        await h.Publisher.StopAsync(CancellationToken.None);

        Assert.Equal(25, h.Outbox.Acknowledged);
        Assert.Equal(0, h.Outbox.Count);
        Assert.False(h.Publisher.Status.Connected);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task StopAsync_HubSilent_GivesUpAfterTheDrainTimeoutAndKeepsTheRecords(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        await Eventually.TrueAsync(() => h.Publisher.Status.Connected, "connected");
        h.Hub.Acking = false;

        await h.Chain.AppendAsync(5);
        await h.Publisher.StopAsync(CancellationToken.None);

        Assert.Equal(5, h.Outbox.Count);
        Assert.Contains(h.Logger.Entries, e => e.Message.Contains("Stopping with records unacknowledged", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_HubNeverAcks_RecordsStayInTheOutboxAfterPuback(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker);
        h.Hub.Acking = false;

        await h.Chain.AppendAsync(10);
        await Eventually.TrueAsync(() => h.Hub.FirstArrivals.Count == 10, "hub received all 10");

        Assert.Equal(10, h.Outbox.Count);
        Assert.Equal(0, h.Outbox.Acknowledged);
        Assert.Equal(0, h.Outbox.AcknowledgeCalls);

        h.Hub.Acking = true;
        h.Hub.AckNow();
        await h.AckedReachesAsync(10);
        Assert.Equal(0, h.Outbox.Count);
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task ExecuteAsync_BrokerRefusesBatchesAsOverQuota_PausesAndOffersThemAgain_NothingLostOrReordered()
    {
        await using var h = await PublisherHarness.StartAsync(BrokerUnderTest.Embedded, o => o.BatchMaxRecords = 5);
        RefuseBatches(h, 2);

        await h.Chain.AppendAsync(20);

        await h.AckedReachesAsync(20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), h.Hub.FirstArrivals);
        Assert.Equal(2, h.Publisher.Status.BatchesRefused);
        Assert.True(h.Publisher.Status.Connected, "a refusal is no failure: the session stays up");
        Assert.Equal(0, h.Publisher.Status.Reconnects);
        Assert.Empty(h.Hub.Problems);
        Assert.Contains(h.Logger.Entries, e => e.Message.Contains("as over quota", StringComparison.Ordinal));
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task ExecuteAsync_PauseAfterARefusalDrawnAsZero_TheBatchIsOfferedAgainAtOnce()
    {
        // Full jitter draws pauses of zero or nearly so; the publisher must neither stall nor wait for an append.
        await using var h = await PublisherHarness.StartAsync(BrokerUnderTest.Embedded, o => o.BatchMaxRecords = 5, jitter: new ZeroJitter());
        RefuseBatches(h, 1);

        await h.Chain.AppendAsync(20); // nothing appended after: no append wakes the publisher to offer the refused batch

        await h.AckedReachesAsync(20);
        Assert.Equal(1, h.Publisher.Status.BatchesRefused);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), h.Hub.FirstArrivals);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_BrokerKilledAndRestarted_UnackedRecordsAreSentAgainNothingLostOrReordered(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, o =>
        {
            o.BatchMaxRecords = 5;
            o.AckTimeout = TimeSpan.FromSeconds(1);
        });
        h.Hub.Acking = false;
        await h.Chain.AppendAsync(20);
        await Eventually.TrueAsync(() => h.Hub.FirstArrivals.Count == 20, "hub received 20 before the crash");
        Assert.Equal(20, h.Outbox.Count);

        await h.Broker.StopAsync();
        await Eventually.TrueAsync(() => !h.Publisher.Status.Connected, "publisher saw the broker go");
        await h.Chain.AppendAsync(10);
        await h.Broker.StartAgainAsync();
        h.Hub.Acking = true;
        await h.Hub.ReconnectAsync();

        await h.AckedReachesAsync(30);
        Assert.Equal(0, h.Outbox.Count);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), h.Hub.FirstArrivals);
        Assert.True(h.Hub.Arrivals.Count(s => s == 1) >= 2, "seq 1 was sent again after the restart");
        Assert.Empty(h.Hub.Problems);
        Assert.True(h.Publisher.Status.Reconnects >= 1);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_GapAck_ResendsFromAckedPlusOneOncePerAckedValue(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, o =>
        {
            o.BatchMaxRecords = 5;
            o.AckTimeout = TimeSpan.FromSeconds(60);
        }, startPublisher: false);
        await h.Chain.AppendAsync(40);
        h.Hub.LoseBatchStartingAt(6);
        await h.Publisher.StartAsync(CancellationToken.None);

        await h.AckedReachesAsync(40);
        Assert.Equal(1, h.Hub.DroppedBatches);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), h.Hub.Arrivals.Distinct().Order());
        // 6..10 arrive only in the resend; later seqs at most twice (once gap-flagged, once resent): one rewind, not many.
        Assert.All(Enumerable.Range(6, 5), s => Assert.Equal(1, h.Hub.Arrivals.Count(a => a == s)));
        Assert.All(Enumerable.Range(11, 30), s => Assert.InRange(h.Hub.Arrivals.Count(a => a == s), 1, 2));
        Assert.Single(h.Logger.Entries, e => e.EventId.Id == 5006);
        Assert.Empty(h.Hub.Problems);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_DroppedTelemetry_TravelsAsTombstonesInDropped(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, startPublisher: false);
        await h.Chain.AppendAsync(3);
        var telemetry = await h.Chain.AppendAsync(3, telemetry: true);
        await h.Chain.AppendAsync(3);
        h.Outbox.Drop(5);
        await h.Publisher.StartAsync(CancellationToken.None);

        await h.AckedReachesAsync(9);
        var tombstone = Assert.Single(h.Hub.Tombstones);
        Assert.Equal(5, tombstone.Seq);
        Assert.Equal(telemetry[1].Hash, tombstone.Hash);
        Assert.Equal(new ChainHead(9, h.Chain.Head.Hash), h.Hub.Head);
        Assert.Empty(h.Hub.Problems);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_Connect_ClockSyncSampleReachesTheParty(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker);

        var sample = await h.Party.FirstSample.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, sample.Boot);
        Assert.Equal(TestHub.HubMs, sample.HubMs);
        Assert.InRange(sample.SentMonoMs, 1000, sample.ReceivedMonoMs);
        Assert.InRange(sample.RoundTripMs, 0, 10_000);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_AckForAnotherDeviceOrMalformed_IsIgnoredAndCounted(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker);
        h.Hub.Acking = false;
        await h.Chain.AppendAsync(3);
        await Eventually.TrueAsync(() => h.Hub.FirstArrivals.Count == 3, "hub received 3");

        h.Hub.SendAck(new BatchAck { DeviceId = "OTHER-0002", AckedSeq = 3 });
        h.Hub.SendRawAck("{not an ack"u8.ToArray());
        h.Hub.SendAck(new BatchAck { DeviceId = PublisherHarness.DeviceId, AckedSeq = 2 });

        await h.AckedReachesAsync(2);
        await Eventually.TrueAsync(() => h.Publisher.Status.IgnoredAcks == 2, "two acks ignored");
        Assert.Equal(2, h.Outbox.Acknowledged);
        Assert.Equal(1, h.Outbox.Count);
        Assert.Single(h.Logger.Entries, e => e.EventId.Id == 5009);
        Assert.Single(h.Logger.Entries, e => e.EventId.Id == 5008);
        h.AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task ExecuteAsync_NoAckWithinAckTimeout_SendsAgainFromAckedPlusOne(string broker)
    {
        await using var h = await PublisherHarness.StartAsync(broker, o => o.AckTimeout = TimeSpan.FromMilliseconds(300));
        h.Hub.Acking = false;
        await h.Chain.AppendAsync(5);

        await Eventually.TrueAsync(() => h.Hub.Arrivals.Count(s => s == 1) >= 2, "seq 1 sent again after the ack timeout");
        Assert.Equal(5, h.Outbox.Count);
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 5007);

        h.Hub.Acking = true;
        h.Hub.AckNow();
        await h.AckedReachesAsync(5);
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task ExecuteAsync_BrokerUnreachable_LogsTheFailureOncePerStreakAndKeepsTrying()
    {
        var port = FreePort();
        var logger = new EdgeAgent.TestKit.Logging.ListLogger<OutboxPublisher>();
        using var signer = new EdgeAgent.TestKit.Ledger.TestCheckpointSigner(PublisherHarness.DeviceId, PublisherHarness.ProductId);
        var outbox = new EdgeAgent.TestKit.Outbox.InMemoryOutbox();
        var options = new MqttOptions { Broker = $"mqtt://127.0.0.1:{port}", ReconnectMin = TimeSpan.FromMilliseconds(20), ReconnectMax = TimeSpan.FromMilliseconds(50) };
        using var publisher = new OutboxPublisher(outbox, signer, new EdgeAgent.TestKit.Time.FakeClockSyncParty(1, TimeProvider.System), new EdgeAgent.Core.Outbox.AppendSignal(),
            Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, logger, new Random(1));

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => logger.Entries.Count(e => e.EventId.Id == 5002) >= 3, "several failed attempts");
        await publisher.StopAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Entries, e => e.EventId.Id == 5001);
        Assert.Contains($"mqtt://127.0.0.1:{port}", warning.Message, StringComparison.Ordinal);
        Assert.False(publisher.Status.Connected);
        Assert.NotNull(publisher.Status.LastError);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The broker refuses the next <paramref name="count"/> batches as over quota, as the embedded hub does when ingestion's queue is over its budget.</summary>
    private static void RefuseBatches(PublisherHarness h, int count)
    {
        var refuse = count;
        h.Broker.EmbeddedBroker!.Intercept = e =>
        {
            if (e.ApplicationMessage.Topic.EndsWith("/evt", StringComparison.Ordinal) && Interlocked.Decrement(ref refuse) >= 0)
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.QuotaExceeded;
            }
        };
    }

    /// <summary>Every draw 0: each backoff pause is zero.</summary>
    private sealed class ZeroJitter : Random
    {
        public override double NextDouble() => 0;
    }
}
