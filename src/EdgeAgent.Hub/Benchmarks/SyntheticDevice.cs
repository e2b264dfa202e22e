using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Benchmarks;

/// <summary>
/// A device made of code for the ingest benchmark: a real ECDSA P-256 key and a real chain of usage-like records,
/// encoded (<see cref="RecordCodec"/>), linked, batched and signed (<see cref="Checkpoint.Sign"/>, <see cref="RecordBatch.Write"/>)
/// exactly as the agent's publisher does it.
/// </summary>
internal sealed class SyntheticDevice : IDisposable
{
    private static readonly string Digest = Convert.ToHexStringLower(SHA256.HashData("edgehub bench"u8));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private long _seq;
    private string _head = EvidenceRecord.GenesisPrev;

    public SyntheticDevice(string deviceId, string productId)
    {
        DeviceId = deviceId;
        ProductId = productId;
    }

    public string DeviceId { get; }

    public string ProductId { get; }

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public string EventsTopic => Topics.Events(ProductId, DeviceId);

    /// <summary>Bytes of every record encoded so far (the payloads, not the batch framing).</summary>
    public long RecordBytes { get; private set; }

    /// <summary>The next <paramref name="count"/> records of the chain as one signed batch.</summary>
    public byte[] NextBatch(int count)
    {
        var records = new List<ReadOnlyMemory<byte>>(count);
        for (var i = 0; i < count; i++)
        {
            var seq = _seq + 1;
            var bytes = RecordCodec.Encode(new EvidenceRecord
            {
                Version = EvidenceRecord.CurrentVersion,
                DeviceId = DeviceId,
                ProductId = ProductId,
                Boot = 1,
                Seq = seq,
                MonoMs = 1_000 + (seq * 900_000),
                WallMs = 1_767_225_600_000 + (seq * 900_000),
                TimeSource = TimeSources.Ntp,
                Type = RecordTypes.UsageSummary,
                Data = UsageData(seq),
                ModelDigest = Digest,
                AgentDigest = Digest,
                ConfigDigest = Digest,
                Prev = _head,
            });
            _seq = seq;
            _head = RecordCodec.Hash(bytes);
            RecordBytes += bytes.Length;
            records.Add(bytes);
        }

        return RecordBatch.Write(DeviceId, ProductId, records, Checkpoint.Sign(_key, DeviceId, _seq, _head));
    }

    public void Dispose() => _key.Dispose();

    /// <summary>A 15-minute usage summary of a terminal running one model, shaped like the agent's.</summary>
    private static JsonElement UsageData(long seq)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("period_s", 900);
            w.WriteNumber("operate_s", 612.4 + (seq % 97));
            w.WriteNumber("idle_s", 287.6 - (seq % 97));
            w.WriteNumber("charge_s", 0);
            w.WriteNumber("fault_s", 0);
            w.WriteStartObject("inferences");
            w.WriteStartObject("blazeface");
            w.WriteNumber("calls", 18_360 + (seq % 1_000));
            w.WriteNumber("failures", 0);
            w.WriteNumber("p50_ms", 1.41);
            w.WriteNumber("p95_ms", 2.15);
            w.WriteNumber("p99_ms", 3.02);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNumber("frames", 18_360 + (seq % 1_000));
            w.WriteNumber("frames_dropped", seq % 7);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
