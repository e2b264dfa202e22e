using System.Text;
using EdgeAgent.Contracts.Records;
using static EdgeAgent.Contracts.Tests.Records.RecordFixtures;

namespace EdgeAgent.Contracts.Tests.Records;

public sealed class RecordCodecTests
{
    [Fact]
    public void Encode_ThenDecode_GivesTheSameFieldsAndStableBytes()
    {
        var record = Record(7, EvidenceRecord.GenesisPrev);

        var bytes = RecordCodec.Encode(record);
        Assert.True(RecordCodec.TryDecode(bytes, out var decoded, out var problem), problem);

        Assert.Equal(bytes, RecordCodec.Encode(decoded!));
        Assert.Equal(7, decoded!.Seq);
        Assert.Equal(12, decoded.Data.GetProperty("operate_s").GetInt32());
        Assert.StartsWith("""{"v":1,"device_id":"GL-0001","product_id":"smart-glasses","boot":3,"seq":7,"mono_ms":7000,"wall_ms":""", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_NoWallClock_OmitsWallMs()
    {
        var bytes = RecordCodec.Encode(Record(1, EvidenceRecord.GenesisPrev) with { WallMs = null, TimeSource = TimeSources.None });

        Assert.DoesNotContain("wall_ms", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.True(RecordCodec.TryDecode(bytes, out _, out _));
    }

    [Fact]
    public void Hash_OneByteChanged_Differs()
    {
        var bytes = RecordCodec.Encode(Record(1, EvidenceRecord.GenesisPrev));
        var changed = (byte[])bytes.Clone();
        changed[^3] ^= 1;

        Assert.NotEqual(RecordCodec.Hash(bytes), RecordCodec.Hash(changed));
        Assert.Matches("^[0-9a-f]{64}$", RecordCodec.Hash(bytes));
    }

    public static TheoryData<string, string> BadRecords() => new()
    {
        { """{"v":2,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "record version 2" },
        { """{"v":1,"device_id":"d/x","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "device_id 'd/x'" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":0,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "boot 0" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":0,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "seq 0" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"sundial","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "time_src 'sundial'" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"ntp","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "wall_ms must be present" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"party","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "type 'party'" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":[],"model":"%D","fw":"%D","config":"%D","prev":"%D"}""", "data must be an object" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"XYZ"}""", "prev must be 64" },
        { """{"v":1,"device_id":"d","product_id":"p","boot":1,"seq":1,"mono_ms":0,"time_src":"none","type":"session","data":{},"model":"%D","fw":"%D","config":"%D","prev":"%D","extra":1}""", "not a valid record" },
        { """{"v":1,"device_id":"d"}""", "not a valid record" },
        { "not json", "not a valid record" },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void TryDecode_BadRecord_SaysWhatIsWrong(string json, string problem)
    {
        var bytes = Encoding.UTF8.GetBytes(json.Replace("%D", new string('0', 64), StringComparison.Ordinal));

        Assert.False(RecordCodec.TryDecode(bytes, out var record, out var said));

        Assert.Null(record);
        Assert.Contains(problem, said, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_Oversized_IsRefused()
    {
        var big = Record(1, EvidenceRecord.GenesisPrev, data: $$"""{"blob":"{{new string('x', RecordCodec.MaxRecordBytes)}}"}""");

        Assert.False(RecordCodec.TryDecode(RecordCodec.Encode(big), out _, out var problem));
        Assert.StartsWith("record is ", problem, StringComparison.Ordinal);
    }
}
