using System.Text;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Contracts.Tests.Records;

public sealed class MessageTests
{
    [Fact]
    public void BatchAck_WriteThenRead_RoundTrips()
    {
        var ack = new BatchAck { DeviceId = "GL-0001", AckedSeq = 42, Rejected = [new RejectedRecord { Seq = 44, Reason = RejectionReasons.Gap }] };

        Assert.True(BatchAck.TryRead(BatchAck.Write(ack), out var read, out var problem), problem);

        Assert.Equal(42, read!.AckedSeq);
        Assert.Equal((44L, RejectionReasons.Gap), (read.Rejected[0].Seq, read.Rejected[0].Reason));
        Assert.Equal("""{"v":1,"device_id":"GL-0001","acked_seq":42,"rejected":[{"seq":44,"reason":"gap"}]}""", Encoding.UTF8.GetString(BatchAck.Write(ack)));
    }

    [Theory]
    [InlineData("{", "not an acknowledgement")]
    [InlineData("""{"v":2,"device_id":"GL-0001","acked_seq":1,"rejected":[]}""", "version 2")]
    [InlineData("""{"v":1,"device_id":"GL-0001","acked_seq":-1,"rejected":[]}""", "negative")]
    [InlineData("""{"v":1,"device_id":"GL/1","acked_seq":1,"rejected":[]}""", "not a device id")]
    [InlineData("""{"v":1,"device_id":"GL-0001","acked_seq":1,"extra":0}""", "not an acknowledgement")]
    public void BatchAck_TryRead_Bad_SaysWhy(string json, string expected)
    {
        Assert.False(BatchAck.TryRead(Encoding.UTF8.GetBytes(json), out var ack, out var problem));
        Assert.Null(ack);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ClockSync_WriteThenRead_MatchesFormat()
    {
        var request = new ClockSyncRequest { Boot = 3, MonoMs = 120500 };
        var reply = new ClockSyncReply { Boot = 3, MonoMs = 120500, HubMs = 1764403200000 };

        Assert.Equal("""{"v":1,"boot":3,"mono_ms":120500}""", Encoding.UTF8.GetString(ClockSyncRequest.Write(request)));
        Assert.Equal("""{"v":1,"boot":3,"mono_ms":120500,"hub_ms":1764403200000}""", Encoding.UTF8.GetString(ClockSyncReply.Write(reply)));
        Assert.True(ClockSyncRequest.TryRead(ClockSyncRequest.Write(request), out var r1));
        Assert.True(ClockSyncReply.TryRead(ClockSyncReply.Write(reply), out var r2));
        Assert.Equal(request, r1);
        Assert.Equal(reply, r2);
    }

    [Theory]
    [InlineData("""{"v":1,"boot":0,"mono_ms":1}""")]
    [InlineData("""{"v":1,"boot":1,"mono_ms":-1}""")]
    [InlineData("""{"v":2,"boot":1,"mono_ms":1}""")]
    [InlineData("nope")]
    public void ClockSyncRequest_TryRead_Bad_IsRefused(string json) =>
        Assert.False(ClockSyncRequest.TryRead(Encoding.UTF8.GetBytes(json), out _));

    [Fact]
    public void Topics_Clock_RoundTrips()
    {
        Assert.Equal("ea/v1/glasses/GL-1/clock", Topics.Clock("glasses", "GL-1"));
        Assert.Equal("ea/v1/glasses/GL-1/cmd/clock", Topics.Command("glasses", "GL-1", Topics.ClockCommand));
    }
}
