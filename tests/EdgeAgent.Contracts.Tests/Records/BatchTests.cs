using System.Text;
using EdgeAgent.Contracts.Records;
using static EdgeAgent.Contracts.Tests.Records.RecordFixtures;

namespace EdgeAgent.Contracts.Tests.Records;

public sealed class BatchTests
{
    [Fact]
    public void Write_ThenRead_KeepsEveryRecordByteForByte()
    {
        using var key = NewKey();
        var chain = HonestChain(10);
        var checkpoint = Checkpoint.Sign(key, Device, 10, RecordCodec.Hash(chain[^1]));

        var payload = RecordBatch.Write(Device, Product, chain.Select(c => (ReadOnlyMemory<byte>)c), checkpoint);
        Assert.True(RecordBatch.TryRead(payload, out var batch, out var reason, out var detail), $"{reason}: {detail}");

        Assert.Equal(Device, batch!.DeviceId);
        Assert.Equal(Product, batch.ProductId);
        Assert.Equal(chain, batch.Records);
        Assert.Equal(checkpoint, batch.Checkpoint);
        Assert.True(batch.Checkpoint.VerifiedBy(key, Device));
    }

    [Fact]
    public void Checkpoint_ChangedOrOtherKeyOrOtherDevice_DoesNotVerify()
    {
        using var key = NewKey();
        using var other = NewKey();
        var hash = new string('c', 64);
        var checkpoint = Checkpoint.Sign(key, Device, 10, hash);

        Assert.True(checkpoint.VerifiedBy(key, Device));
        Assert.False(checkpoint.VerifiedBy(other, Device));
        Assert.False(checkpoint.VerifiedBy(key, "GL-0002"));
        Assert.False((checkpoint with { Seq = 11 }).VerifiedBy(key, Device));
        Assert.False((checkpoint with { Hash = new string('d', 64) }).VerifiedBy(key, Device));
        Assert.False((checkpoint with { Signature = "not base64!" }).VerifiedBy(key, Device));
        Assert.Equal(Checkpoint.KeyIdOf(key), checkpoint.KeyId);
        Assert.Equal(16, checkpoint.KeyId.Length);
    }

    public static TheoryData<string, string> BadBatches() => new()
    {
        { "{", RejectionReasons.Malformed },
        { "[]", RejectionReasons.Malformed },
        { """{"v":2,"device_id":"d","product_id":"p","records":[{}],"checkpoint":{}}""", RejectionReasons.SchemaVersion },
        { """{"v":1,"device_id":"d","product_id":"p","records":[],"checkpoint":{"seq":1,"hash":"h","key_id":"k","sig":"s"}}""", RejectionReasons.Malformed },
        { """{"v":1,"device_id":"d","product_id":"p","records":[],"dropped":[{"seq":0,"hash":"h"}],"checkpoint":{"seq":1,"hash":"h","key_id":"k","sig":"s"}}""", RejectionReasons.Malformed },
        { """{"v":1,"device_id":"d","product_id":"p","records":[{}],"dropped":{},"checkpoint":{"seq":1,"hash":"h","key_id":"k","sig":"s"}}""", RejectionReasons.Malformed },
        { """{"v":1,"device_id":7,"product_id":"p","records":[{}],"checkpoint":{"seq":1,"hash":"h","key_id":"k","sig":"s"}}""", RejectionReasons.Malformed },
        { """{"v":1,"device_id":"d","product_id":"p","records":[{}],"checkpoint":{"seq":1}}""", RejectionReasons.Malformed },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public void TryRead_BadBatch_GivesTheReason(string json, string expected)
    {
        Assert.False(RecordBatch.TryRead(Encoding.UTF8.GetBytes(json), out var batch, out var reason, out var detail));

        Assert.Null(batch);
        Assert.Equal(expected, reason);
        Assert.False(string.IsNullOrWhiteSpace(detail));
    }

    [Fact]
    public void TryRead_Oversized_IsRefusedBeforeParsing()
    {
        Assert.False(RecordBatch.TryRead(new byte[RecordBatch.MaxBatchBytes + 1], out _, out var reason, out _));
        Assert.Equal(RejectionReasons.Oversized, reason);
    }

    [Theory]
    [InlineData("ea/v1/smart-glasses/GL-0001/evt", true, "evt")]
    [InlineData("ea/v1/smart-glasses/GL-0001/cmd/rollback", true, "cmd/rollback")]
    [InlineData("ea/v1/smart-glasses/GL-0001/state", true, "state")]
    [InlineData("ea/v1/smart-glasses/GL-0001/clock", true, "clock")]
    [InlineData("ea/v1/smart-glasses/GL-0001/evt/extra", false, "")]
    [InlineData("ea/v2/smart-glasses/GL-0001/evt", false, "")]
    [InlineData("ea/v1/smart+glasses/GL-0001/evt", false, "")]
    public void Topics_TryParse_AcceptsOnlyTheScheme(string topic, bool ok, string kind)
    {
        Assert.Equal(ok, Topics.TryParse(topic, out var product, out var device, out var parsedKind));
        Assert.Equal(kind, parsedKind);
        if (ok)
        {
            Assert.Equal(("smart-glasses", "GL-0001"), (product, device));
            Assert.Equal("ea/v1/smart-glasses/GL-0001/evt", Topics.Events(product, device));
        }
    }

    [Fact]
    public void Topics_BadSegment_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Topics.Events("glasses", "GL/1"));
        Assert.Contains("device 'GL/1'", e.Message, StringComparison.Ordinal);
        Assert.Equal("ea/v1/glasses/GL-1/ack", Topics.Ack("glasses", "GL-1"));
        Assert.Equal("ea/v1/glasses/GL-1/cmd/model", Topics.Command("glasses", "GL-1", "model"));
    }
}
