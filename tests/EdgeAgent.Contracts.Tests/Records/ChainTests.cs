using EdgeAgent.Contracts.Records;
using RecordChain = EdgeAgent.Contracts.Records.Chain;
using static EdgeAgent.Contracts.Tests.Records.RecordFixtures;

namespace EdgeAgent.Contracts.Tests.Records;

public sealed class ChainTests
{
    [Fact]
    public void Verify_HonestChain_HasNoProblemsAndReachesTheLastRecord()
    {
        var chain = HonestChain(50);

        var (problems, head) = RecordChain.Verify(chain, Device, ChainHead.Genesis);

        Assert.Empty(problems);
        Assert.Equal(new ChainHead(50, RecordCodec.Hash(chain[^1])), head);
    }

    [Fact]
    public void Verify_RecordAltered_IsMalformedOrBreaksTheNextLink()
    {
        var chain = HonestChain(5);
        chain[2] = RecordCodec.Encode(Decode(chain[2]) with { Data = System.Text.Json.JsonDocument.Parse("""{"operate_s":9999}""").RootElement.Clone() });

        var (problems, _) = RecordChain.Verify(chain, Device, ChainHead.Genesis);

        var p = Assert.Single(problems);
        Assert.Equal((4L, RejectionReasons.BrokenChain), (p.Seq, p.Reason));
    }

    [Fact]
    public void Verify_RecordRemoved_IsAGap()
    {
        var chain = HonestChain(5);
        chain.RemoveAt(2);

        var p = Assert.Single(RecordChain.Verify(chain, Device, ChainHead.Genesis).Problems);

        Assert.Equal((4L, RejectionReasons.Gap), (p.Seq, p.Reason));
        Assert.Contains("1 record(s) missing", p.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TwoRecordsSwapped_IsCaught()
    {
        var chain = HonestChain(5);
        (chain[1], chain[2]) = (chain[2], chain[1]);

        var problems = RecordChain.Verify(chain, Device, ChainHead.Genesis).Problems;

        Assert.Contains(problems, p => p.Seq == 3 && p.Reason == RejectionReasons.Gap);
        Assert.Contains(problems, p => p.Seq == 2 && p.Reason == RejectionReasons.Replay);
    }

    [Fact]
    public void Verify_RecordReplayed_IsAReplay()
    {
        var chain = HonestChain(4);
        chain.Add(chain[1]);

        var p = Assert.Single(RecordChain.Verify(chain, Device, ChainHead.Genesis).Problems);

        Assert.Equal((2L, RejectionReasons.Replay), (p.Seq, p.Reason));
    }

    [Fact]
    public void Verify_RecordInsertedWithAFreshSeq_BreaksTheChain()
    {
        var chain = HonestChain(3);
        var forged = RecordCodec.Encode(Record(4, new string('f', 64), RecordTypes.DeviceActivated, """{"serial":"GL-0001"}"""));
        chain.Add(forged);

        var p = Assert.Single(RecordChain.Verify(chain, Device, ChainHead.Genesis).Problems);

        Assert.Equal((4L, RejectionReasons.BrokenChain), (p.Seq, p.Reason));
    }

    [Fact]
    public void Verify_AnotherDevicesRecord_IsFlagged()
    {
        var chain = HonestChain(2);

        var problems = RecordChain.Verify(chain, "GL-0002", ChainHead.Genesis).Problems;

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(RejectionReasons.WrongTopic, p.Reason));
    }

    [Theory]
    [InlineData(3, LinkOutcome.Next)]
    [InlineData(2, LinkOutcome.AtOrBelowHead)]
    [InlineData(1, LinkOutcome.AtOrBelowHead)]
    [InlineData(5, LinkOutcome.Gap)]
    public void Link_BySeq_ClassifiesTheRecord(long seq, LinkOutcome expected)
    {
        var head = new ChainHead(2, new string('b', 64));

        Assert.Equal(expected, RecordChain.Link(head, Record(seq, head.Hash)));
    }

    private static EvidenceRecord Decode(byte[] bytes)
    {
        Assert.True(RecordCodec.TryDecode(bytes, out var r, out _));
        return r!;
    }
}
