using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.EndToEnd.Tests;

/// <summary>
/// Another client on the broker publishes on the device's own topic while the real agent keeps recording: a forged
/// batch, garbage, and a batch of a device the hub never enrolled. Each is flagged with its reason and never counted,
/// and the device's records keep flowing.
/// </summary>
[Collection(nameof(EndToEnd))]
public sealed class InjectionTests
{
    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task Intruder_PublishesOnTheDeviceTopic_IsFlaggedAndTheDeviceKeepsFlowing(BrokerKind broker)
    {
        await using var site = await Site.StartAsync(broker);
        await site.StartAgentAsync();
        await site.SetLoadAsync(untilSeq: 200);
        await Site.EventuallyAsync(() => site.HubHead() >= 200, TimeSpan.FromSeconds(60), () => $"hub head {site.HubHead()}");

        using var intruderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var uri = new Uri(site.BrokerUri);
        using var intruder = new MqttClientFactory().CreateMqttClient();
        await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(uri.Host, uri.Port).WithClientId("intruder").Build());
        var topic = Topics.Events(Site.Product, Site.Device);

        // A batch that continues the device's chain by seq, signed with a key that is not the device's.
        var forged = ForgedBatch(intruderKey, Site.Device, firstSeq: site.HubHead() + 1);
        await PublishAsync(intruder, topic, forged);
        await PublishAsync(intruder, topic, "{ not json"u8.ToArray());
        await PublishAsync(intruder, Topics.Events(Site.Product, "GL-9999"), ForgedBatch(intruderKey, "GL-9999", firstSeq: 1));

        await Site.EventuallyAsync(() =>
        {
            var r = site.HubRejections();
            return r.ContainsKey(RejectionReasons.BadSignature) && r.ContainsKey(RejectionReasons.Malformed) && r.ContainsKey(RejectionReasons.UnknownDevice);
        }, TimeSpan.FromSeconds(30), () => $"rejections {string.Join(", ", site.HubRejections())}");

        // The device goes on, and everything it made arrives: nothing of the intruder's was counted.
        await site.SetLoadAsync(untilSeq: 600);
        await Site.EventuallyAsync(() => site.AgentStatus("head_seq") >= 600 && site.HubHead() == site.AgentStatus("head_seq"), TimeSpan.FromSeconds(60),
            () => $"device head {site.AgentStatus("head_seq")}, hub head {site.HubHead()}");
        await site.KillAgentAsync();
        var held = site.HubRecords();
        Assert.Equal(Enumerable.Range(1, held.Length).Select(i => (long)i), held.Select(r => r.Seq));
        Assert.DoesNotContain(held, r => r.Payload is { } p && Encoding.UTF8.GetString(p).Contains("intruder", StringComparison.Ordinal));
        using var key = site.DevicePublicKey();
        Assert.True(site.LatestCheckpoint().VerifiedBy(key, Site.Device));
        site.AssertNoErrorLogged();
    }

    private static byte[] ForgedBatch(ECDsa key, string device, long firstSeq)
    {
        var records = new List<ReadOnlyMemory<byte>>();
        var prev = new string('0', 64);
        var hash = prev;
        for (var seq = firstSeq; seq < firstSeq + 3; seq++)
        {
            var bytes = RecordCodec.Encode(new EvidenceRecord
            {
                Version = EvidenceRecord.CurrentVersion,
                DeviceId = device,
                ProductId = Site.Product,
                Boot = 1,
                Seq = seq,
                MonoMs = seq,
                TimeSource = TimeSources.None,
                Type = RecordTypes.DeviceActivated,
                Data = JsonDocument.Parse("""{"region":"330106","by":"intruder"}""").RootElement.Clone(),
                ModelDigest = new string('a', 64),
                AgentDigest = new string('a', 64),
                ConfigDigest = new string('a', 64),
                Prev = prev,
            });
            records.Add(bytes);
            hash = RecordCodec.Hash(bytes);
            prev = hash;
        }

        return RecordBatch.Write(device, Site.Product, records, Checkpoint.Sign(key, device, firstSeq + 2, hash));
    }

    private static Task PublishAsync(IMqttClient client, string topic, byte[] payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
