using System.Diagnostics;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Xunit.Abstractions;

namespace EdgeAgent.Hub.Tests.Ingestion;

/// <summary>
/// Not a timed test: prints how fast verification plus storage runs (group commit, as the writer loop does it) for
/// 20,000 records in batches of 500. Run by hand: dotnet test --filter Category=Throughput --logger "console;verbosity=detailed".
/// </summary>
public sealed class ThroughputCheck(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Throughput")]
    public void Process_20000RecordsInBatchesOf500_PrintsRecordsPerSecond()
    {
        const int Records = 20_000;
        const int PerBatch = 500;
        using var dir = new TempDirectory();
        using var store = HubStore.Open(dir.Combine("hub.db"));
        using var device = new TestDevice("GL-BENCH");
        Assert.True(Devices.DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out _));
        store.Enroll(new DeviceRow(device.DeviceId, device.ProductId, pem, keyId, 1));
        var batches = Enumerable.Range(0, Records / PerBatch).Select(_ => new IncomingBatch(device.EventsTopic, device.Batch(device.NextRecords(PerBatch)))).ToList();
        using var processor = new IngestionProcessor(store, TimeProvider.System, new ListLogger<IngestionProcessor>());

        // Warm-up on another device, so the figure is steady state and not the JIT's first pass.
        using var warm = new TestDevice("GL-WARM");
        Assert.True(Devices.DeviceKeys.TryRead(warm.PublicKeyPem, out var warmPem, out var warmKey, out _));
        store.Enroll(new DeviceRow(warm.DeviceId, warm.ProductId, warmPem, warmKey, 1));
        processor.Process([.. Enumerable.Range(0, 4).Select(_ => new IncomingBatch(warm.EventsTopic, warm.Batch(warm.NextRecords(PerBatch))))]);

        var clock = Stopwatch.StartNew();
        foreach (var group in batches.Chunk(8))
        {
            processor.Process(group);
        }

        clock.Stop();
        Assert.Equal(Records, store.Head(device.DeviceId)!.Value.Seq);
        output.WriteLine($"ingested {Records} records in batches of {PerBatch}: {clock.Elapsed.TotalMilliseconds:F0} ms, {Records / clock.Elapsed.TotalSeconds:F0} records/s");
    }
}
