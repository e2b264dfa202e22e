using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Hub.Tests.ScaleOut;

/// <summary>One worker in-process (<see cref="WorkerHost"/>) on a real Mosquitto and PostgreSQL: its writer loop parks an early batch and flags it when the grace runs out.</summary>
[Collection(PostgresTests.Name)]
public sealed class WorkerHostTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [SkippableFact]
    public async Task Serve_BatchWhosePredecessorNeverComes_AckedAtHeadThenFlaggedGapAfterGrace()
    {
        var store = await postgres.DatabaseAsync();
        Skip.If(!File.Exists(MosquittoBroker.Executable), "mosquitto is not installed; ./build.sh --target=Test installs it");
        using var device = new TestDevice("CITY-90");
        using (var s = PostgresStore.Open(store))
        {
            Assert.True(Devices.DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out _));
            s.Enroll(new DeviceRow(device.DeviceId, device.ProductId, pem, keyId, 1));
        }

        await using var broker = await MosquittoBroker.StartAsync();
        var uri = new Uri($"mqtt://127.0.0.1:{broker.Port}");
        var options = new HubOptions { Store = store, ExternalBroker = uri, WorkerId = "solo", GapGrace = TimeSpan.FromSeconds(1), DatabasePath = _dir.Combine("hub.db") };
        await using var worker = await WorkerHost.StartAsync(options, logging: _ => { });
        await using var client = await DeviceClient.ConnectAsync(uri, device.DeviceId, device);

        var first = await client.SendAsync(device, device.Batch(device.NextRecords(3)));
        _ = device.NextRecords(2); // never sent
        var parked = await client.SendAsync(device, device.Batch(device.NextRecords(2)));
        var flagged = await client.NextAckAsync(device);

        Assert.Equal((3L, 0), (first.AckedSeq, first.Rejected.Count));
        Assert.Equal((3L, 0), (parked.AckedSeq, parked.Rejected.Count));
        Assert.Equal(3, flagged.AckedSeq);
        Assert.Equal([(6L, RejectionReasons.Gap), (7L, RejectionReasons.Gap)], flagged.Rejected.Select(r => (r.Seq, r.Reason)));
        using var held = PostgresStore.Open(store);
        Assert.Equal(2, held.Counters()[RejectionReasons.Gap]);
        Assert.Empty(held.Parked(device.DeviceId));
    }

    public void Dispose() => _dir.Dispose();
}
