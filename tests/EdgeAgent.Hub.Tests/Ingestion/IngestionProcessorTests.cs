using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Ingestion;

public sealed class IngestionProcessorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HubStore _store;
    private readonly ListLogger<IngestionProcessor> _logger = new();
    private readonly IngestionProcessor _processor;
    private readonly TestDevice _device = new("GL-0100");

    public IngestionProcessorTests()
    {
        _store = HubStore.Open(_dir.Combine("hub.db"));
        Assert.True(Devices.DeviceKeys.TryRead(_device.PublicKeyPem, out var pem, out var keyId, out _));
        _store.Enroll(new DeviceRow(_device.DeviceId, _device.ProductId, pem, keyId, 1));
        _processor = new IngestionProcessor(_store, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_403_200_000)), _logger);
    }

    [Fact]
    public void Process_GroupsOfConsecutiveBatches_StoresEveryRecordAndAcksEachGroupsLast()
    {
        // What the removed throughput check asserted: batches later in a group verify against the head an earlier one
        // set in the same transaction (edgehub bench measures the speed of it).
        var batches = Enumerable.Range(0, 6).Select(_ => new IncomingBatch(_device.EventsTopic, _device.Batch(_device.NextRecords(20)))).ToList();

        var acks = batches.Chunk(3).Select(group => Assert.Single(_processor.Process(group)).Ack).ToList();

        Assert.Equal([60L, 120L], acks.Select(a => a.AckedSeq));
        Assert.All(acks, a => Assert.Empty(a.Rejected));
        Assert.Equal(120, _store.Head(_device.DeviceId)!.Value.Seq);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), _store.Records(_device.DeviceId, 1).Select(r => r.Seq));
    }

    [Fact]
    public void Process_TombstonesAndMatchingDropReport_StoredWithoutPayloadNoMismatch()
    {
        var first = _device.Next();
        var dropped = new[] { _device.Drop(), _device.Drop() };
        var report = _device.Next(RecordTypes.TelemetryDropped, """{"count":2,"first_seq":2,"last_seq":3,"bytes":40}""");

        var ack = Assert.Single(_processor.Process([new IncomingBatch(_device.EventsTopic, _device.Batch([first, report], dropped))]));

        Assert.Equal(4, ack.Ack.AckedSeq);
        var rows = _store.Records(_device.DeviceId, 1);
        Assert.Equal([false, true, true, false], rows.Select(r => r.Payload is null));
        Assert.False(_store.Counters().ContainsKey(IngestionProcessor.DropReportMismatch));
    }

    [Fact]
    public void Process_DropReportCountingWrong_CountedAsMismatchAndWarned()
    {
        var first = _device.Next();
        var dropped = _device.Drop();
        var report = _device.Next(RecordTypes.TelemetryDropped, """{"count":3,"first_seq":2,"last_seq":2,"bytes":40}""");

        _processor.Process([new IncomingBatch(_device.EventsTopic, _device.Batch([first, report], [dropped]))]);

        Assert.Equal(1, _store.Counters()[IngestionProcessor.DropReportMismatch]);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(IngestionProcessor.DropReportMismatch, StringComparison.Ordinal));
        Assert.Equal(3, _store.Head(_device.DeviceId)!.Value.Seq);
    }

    [Fact]
    public void Process_ClockSyncRecord_AnchorsItsBoot()
    {
        _device.Boot = 3;
        var sync = _device.Next(RecordTypes.ClockSync, """{"boot":3,"t0_mono_ms":120500,"t1_mono_ms":120540,"hub_ms":1764403200000,"offset_ms":1764403079480,"err_ms":20}""");

        _processor.Process([new IncomingBatch(_device.EventsTopic, _device.Batch([sync]))]);

        Assert.Equal(new BootAnchorRow(3, 1_764_403_079_480, 20), Assert.Single(_store.Anchors(_device.DeviceId)));
    }

    [Fact]
    public void Process_SameReasonStreak_WarnedOnceCountedEachTime()
    {
        var group = Enumerable.Range(0, 3).Select(_ => new IncomingBatch(_device.EventsTopic, "{oops"u8.ToArray())).ToList();

        _processor.Process(group);
        _processor.Process(group);

        Assert.Equal(6, _store.Counters()[RejectionReasons.Malformed]);
        Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Error);
    }

    public void Dispose()
    {
        _processor.Dispose();
        _store.Dispose();
        _device.Dispose();
        _dir.Dispose();
    }
}
