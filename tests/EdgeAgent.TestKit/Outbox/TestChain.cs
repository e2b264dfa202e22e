using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.TestKit.Outbox;

/// <summary>Writes valid, linked records of one device into an outbox and notifies the append signal, as the ledger does.</summary>
public sealed class TestChain(IOutbox outbox, AppendSignal signal, string deviceId, string productId)
{
    private static readonly string Digest = new('a', 64);
    private ChainHead _head = ChainHead.Genesis;

    public ChainHead Head => _head;

    /// <summary>Appends <paramref name="count"/> records (telemetry <c>perf.kpi</c> when <paramref name="telemetry"/>, else <c>usage.summary</c>).</summary>
    public async Task<IReadOnlyList<OutboxRecord>> AppendAsync(int count, bool telemetry = false, CancellationToken cancellationToken = default)
    {
        var appended = new List<OutboxRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var seq = _head.Seq + 1;
            var type = telemetry ? RecordTypes.PerfKpi : RecordTypes.UsageSummary;
            var bytes = RecordCodec.Encode(new EvidenceRecord
            {
                Version = EvidenceRecord.CurrentVersion,
                DeviceId = deviceId,
                ProductId = productId,
                Boot = 1,
                Seq = seq,
                MonoMs = seq * 10,
                TimeSource = TimeSources.None,
                Type = type,
                Data = JsonSerializer.SerializeToElement(new Dictionary<string, long> { ["n"] = seq }),
                ModelDigest = Digest,
                AgentDigest = Digest,
                ConfigDigest = Digest,
                Prev = _head.Hash,
            });
            var record = new OutboxRecord(seq, RecordTypes.ClassOf(type), type, RecordCodec.Hash(bytes), _head.Hash, bytes);
            await outbox.AppendAsync(record, cancellationToken);
            _head = new ChainHead(seq, record.Hash);
            appended.Add(record);
        }

        signal.Notify(_head.Seq);
        return appended;
    }
}
