using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Contracts.Tests.Records;

/// <summary>Builds honest chains of records for tests.</summary>
internal static class RecordFixtures
{
    public const string Device = "GL-0001";
    public const string Product = "smart-glasses";
    private static readonly string Digest = new('a', 64);

    public static EvidenceRecord Record(long seq, string prev, string type = RecordTypes.UsageSummary, string data = """{"operate_s":12}""") => new()
    {
        Version = EvidenceRecord.CurrentVersion,
        DeviceId = Device,
        ProductId = Product,
        Boot = 3,
        Seq = seq,
        MonoMs = 1000 * seq,
        WallMs = 1_764_000_000_000 + (1000 * seq),
        TimeSource = TimeSources.Ntp,
        Type = type,
        Data = JsonDocument.Parse(data).RootElement.Clone(),
        ModelDigest = Digest,
        AgentDigest = Digest,
        ConfigDigest = Digest,
        Prev = prev,
    };

    /// <summary><paramref name="count"/> linked records from seq 1, encoded.</summary>
    public static List<byte[]> HonestChain(int count)
    {
        var encoded = new List<byte[]>();
        var prev = EvidenceRecord.GenesisPrev;
        for (var seq = 1; seq <= count; seq++)
        {
            var bytes = RecordCodec.Encode(Record(seq, prev));
            encoded.Add(bytes);
            prev = RecordCodec.Hash(bytes);
        }

        return encoded;
    }

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);
}
