using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Reports;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Ingestion;

/// <summary>
/// One rule for boot anchors: what ingestion stores in <c>boot_anchors</c> is what <see cref="BootAnchoring.Derive"/>
/// gives from the chain's records alone (the auditor's bundle path).
/// </summary>
public sealed class BootAnchoringTests(GoldenFleetFixture fixture) : IClassFixture<GoldenFleetFixture>
{
    [Fact]
    public void Derive_GoldenFleet_EqualsTheBootAnchorsTable()
    {
        using var store = HubStore.Open(fixture.Fleet.Db);
        var anchored = 0;
        foreach (var device in store.Devices())
        {
            var derived = BootAnchoring.Derive(Decoded(store, device.DeviceId));

            Assert.Equal(store.Anchors(device.DeviceId), derived);
            anchored += derived.Count;
        }

        Assert.Equal(1, anchored); // B1, the unit with no RTC
    }

    [Fact]
    public void Derive_SeveralClockSyncs_SmallestErrorPerBootFirstOnTieDataBootFirst_AsIngestionStores()
    {
        using var dir = new TempDirectory();
        using var device = new TestDevice("GL-0001");
        var records = new List<byte[]>
        {
            device.Next(RecordTypes.ClockSync, """{"offset_ms":1000,"err_ms":30}"""),              // boot 1: first, err 30
            device.Next(RecordTypes.ClockSync, """{"offset_ms":1100,"err_ms":20}"""),              // boot 1: smaller error wins
            device.Next(RecordTypes.ClockSync, """{"offset_ms":1200,"err_ms":20}"""),              // boot 1: a tie keeps the first
            device.Next(RecordTypes.ClockSync, """{"boot":3,"offset_ms":5000,"err_ms":40}"""),     // data.boot over the record's boot
            device.Next(RecordTypes.ClockSync, """{"offset_ms":9000,"err_ms":-1}"""),              // no anchor: negative error
            device.Next(RecordTypes.ClockSync, """{"offset_ms":"x","err_ms":1}"""),                // no anchor: offset not a number
            device.Next(),
        };
        using var store = HubStore.Open(dir.Combine("hub.db"));
        Assert.True(Devices.DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out _));
        store.Enroll(new DeviceRow(device.DeviceId, device.ProductId, pem, keyId, 1));
        using (var processor = new IngestionProcessor(store, new FakeTimeProvider(), new ListLogger<IngestionProcessor>()))
        {
            // Two batches, so the anchors are upserted across transactions as in the field.
            processor.Process([new IncomingBatch(device.EventsTopic, device.Batch(records[..2]))]);
            processor.Process([new IncomingBatch(device.EventsTopic, device.Batch(records[2..]))]);
        }

        var derived = BootAnchoring.Derive(Decoded(store, device.DeviceId));

        Assert.Equal([new BootAnchorRow(1, 1100, 20), new BootAnchorRow(3, 5000, 40)], derived);
        Assert.Equal(store.Anchors(device.DeviceId), derived);
    }

    private static List<EvidenceRecord> Decoded(HubStore store, string deviceId) =>
        [.. store.Records(deviceId, 1).Where(r => r.Payload is not null).Select(r => TestDevice.Decode(r.Payload!))];
}
