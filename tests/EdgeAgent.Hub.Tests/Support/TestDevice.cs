using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>A device in test code: a real P-256 key and a real chain of encoded, linked records, batched and signed.</summary>
internal sealed class TestDevice : IDisposable
{
    private static readonly string Digest = new('a', 64);

    public TestDevice(string deviceId, string productId = "smart-glasses")
    {
        DeviceId = deviceId;
        ProductId = productId;
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public string DeviceId { get; }

    public string ProductId { get; }

    public ECDsa Key { get; }

    public long Boot { get; set; } = 1;

    public long Seq { get; private set; }

    public string HeadHash { get; private set; } = EvidenceRecord.GenesisPrev;

    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();

    public string EventsTopic => Topics.Events(ProductId, DeviceId);

    /// <summary>Encodes the next record of the chain (prev = head) and moves the head to it.</summary>
    public byte[] Next(string type = RecordTypes.UsageSummary, string data = """{"period_s":900}""", long monoMs = 1000, long? wallMs = null, string timeSource = TimeSources.None)
    {
        var bytes = Encode(Seq + 1, HeadHash, type, data, monoMs, wallMs, timeSource);
        Seq++;
        HeadHash = RecordCodec.Hash(bytes);
        return bytes;
    }

    /// <summary>The next seq as dropped telemetry: a tombstone whose hash the following record's prev names.</summary>
    public Tombstone Drop()
    {
        var bytes = Encode(Seq + 1, HeadHash, RecordTypes.EnvSample, """{"t":1}""", 1, null, TimeSources.None);
        Seq++;
        HeadHash = RecordCodec.Hash(bytes);
        return new Tombstone { Seq = Seq, Hash = HeadHash };
    }

    public List<byte[]> NextRecords(int count) => [.. Enumerable.Range(0, count).Select(i => Next(monoMs: 1000 + i))];

    /// <summary>Any record, not linked into this device's chain (for tampering).</summary>
    public byte[] Encode(long seq, string prev, string type = RecordTypes.UsageSummary, string data = """{"period_s":900}""", long monoMs = 1000, long? wallMs = null, string timeSource = TimeSources.None, string? deviceId = null) =>
        RecordCodec.Encode(new EvidenceRecord
        {
            Version = 1,
            DeviceId = deviceId ?? DeviceId,
            ProductId = ProductId,
            Boot = Boot,
            Seq = seq,
            MonoMs = monoMs,
            WallMs = timeSource == TimeSources.None ? null : wallMs,
            TimeSource = timeSource,
            Type = type,
            Data = JsonDocument.Parse(data).RootElement.Clone(),
            ModelDigest = Digest,
            AgentDigest = Digest,
            ConfigDigest = Digest,
            Prev = prev,
        });

    /// <summary>A batch of these records (and tombstones), its checkpoint signed over the last entry by <paramref name="signer"/> (default: this device).</summary>
    public byte[] Batch(IReadOnlyList<byte[]> records, IReadOnlyList<Tombstone>? dropped = null, ECDsa? signer = null)
    {
        dropped ??= [];
        var last = records.Select(r => (Record: Decode(r), Hash: RecordCodec.Hash(r)))
            .Where(e => e.Record.DeviceId == DeviceId)
            .Select(e => (e.Record.Seq, e.Hash))
            .Concat(dropped.Select(t => (t.Seq, t.Hash)))
            .MaxBy(e => e.Seq);
        var checkpoint = Checkpoint.Sign(signer ?? Key, DeviceId, last.Seq, last.Hash);
        return RecordBatch.Write(DeviceId, ProductId, records.Select(r => (ReadOnlyMemory<byte>)r), dropped, checkpoint);
    }

    public static EvidenceRecord Decode(byte[] bytes) =>
        RecordCodec.TryDecode(bytes, out var r, out var problem) ? r! : throw new ArgumentException(problem, nameof(bytes));

    public void Dispose() => Key.Dispose();
}
