using System.Text;
using EdgeAgent.Contracts.Records;
using static EdgeAgent.Contracts.Tests.Records.RecordFixtures;

namespace EdgeAgent.Contracts.Tests.Records;

public sealed class BatchVerifierTests
{
    private static readonly Func<long, string?> NothingHeld = _ => null;

    private static RecordBatch Batch(System.Security.Cryptography.ECDsa key, IReadOnlyList<byte[]> records, IReadOnlyCollection<Tombstone>? dropped = null, Checkpoint? checkpoint = null)
    {
        dropped ??= [];
        var last = records.Select(r => (Seq: Decode(r).Seq, Hash: RecordCodec.Hash(r)))
            .Concat(dropped.Select(t => (t.Seq, t.Hash)))
            .MaxBy(e => e.Seq);
        checkpoint ??= Checkpoint.Sign(key, Device, last.Seq, last.Hash);
        var payload = RecordBatch.Write(Device, Product, records.Select(r => (ReadOnlyMemory<byte>)r), dropped, checkpoint);
        Assert.True(RecordBatch.TryRead(payload, out var batch, out var reason, out var detail), $"{reason}: {detail}");
        return batch!;
    }

    private static EvidenceRecord Decode(byte[] bytes)
    {
        Assert.True(RecordCodec.TryDecode(bytes, out var record, out var problem), problem);
        return record!;
    }

    [Fact]
    public void Verify_HonestBatch_AcceptsEveryRecordInOrder()
    {
        using var key = NewKey();
        var chain = HonestChain(5);

        var verdict = BatchVerifier.Verify(Batch(key, chain), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Rejected);
        Assert.Equal([1L, 2, 3, 4, 5], verdict.Accepted.Select(e => e.Seq));
        Assert.Equal(new ChainHead(5, RecordCodec.Hash(chain[^1])), verdict.Head);
    }

    [Fact]
    public void Verify_TombstoneInTheMiddle_LinksAcrossIt()
    {
        using var key = NewKey();
        var chain = HonestChain(4);
        var dropped = new[] { new Tombstone { Seq = 3, Hash = RecordCodec.Hash(chain[2]) } };

        var verdict = BatchVerifier.Verify(Batch(key, [chain[0], chain[1], chain[3]], dropped), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Rejected);
        Assert.Equal([1L, 2, 3, 4], verdict.Accepted.Select(e => e.Seq));
        Assert.True(verdict.Accepted[2].IsTombstone);
        Assert.Equal(4, verdict.Head.Seq);
    }

    [Fact]
    public void Verify_ResendOfHeldRecords_IsDuplicateNotRejected()
    {
        using var key = NewKey();
        var chain = HonestChain(3);
        var held = chain.ToDictionary(c => Decode(c).Seq, c => RecordCodec.Hash(c));

        var verdict = BatchVerifier.Verify(Batch(key, chain), key, new ChainHead(3, held[3]), s => held.GetValueOrDefault(s));

        Assert.Empty(verdict.Rejected);
        Assert.Empty(verdict.Accepted);
        Assert.Equal([1L, 2, 3], verdict.Duplicates);
    }

    [Fact]
    public void Verify_OtherContentAtAHeldSeq_IsReplay()
    {
        using var key = NewKey();
        var chain = HonestChain(2);
        var forged = RecordCodec.Encode(Record(2, RecordCodec.Hash(chain[0]), data: """{"operate_s":99}"""));
        var held = chain.ToDictionary(c => Decode(c).Seq, c => RecordCodec.Hash(c));

        var verdict = BatchVerifier.Verify(Batch(key, [forged]), key, new ChainHead(2, held[2]), s => held.GetValueOrDefault(s));

        Assert.Equal(RejectionReasons.Replay, Assert.Single(verdict.Rejected).Reason);
    }

    [Fact]
    public void Verify_RemovedRecord_IsGapAndNothingInTheBatchIsAccepted()
    {
        using var key = NewKey();
        var chain = HonestChain(5);

        var verdict = BatchVerifier.Verify(Batch(key, [chain[0], chain[2], chain[3], chain[4]]), key, ChainHead.Genesis, NothingHeld);

        // Record 1 links to the head, but the checkpoint's chain (5, 4, 3) does not reach it: nothing signed vouches for it.
        Assert.Empty(verdict.Accepted);
        Assert.Equal([(1L, RejectionReasons.Gap), (3L, RejectionReasons.Gap), (4L, RejectionReasons.Gap), (5L, RejectionReasons.Gap)],
            verdict.Rejected.Select(r => (r.Seq, r.Reason)).OrderBy(r => r.Item1));
        Assert.Equal(ChainHead.Genesis, verdict.Head);
    }

    [Fact]
    public void Verify_RemovedRecordAcrossBatches_LaterBatchIsAGapAndTheHeadStays()
    {
        using var key = NewKey();
        var chain = HonestChain(6);
        var head = new ChainHead(2, RecordCodec.Hash(chain[1]));

        var verdict = BatchVerifier.Verify(Batch(key, chain[3..]), key, head, NothingHeld);

        Assert.Empty(verdict.Accepted);
        Assert.All(verdict.Rejected, r => Assert.Equal(RejectionReasons.Gap, r.Reason));
        Assert.Equal(head, verdict.Head);
    }

    [Fact]
    public void Verify_AlteredRecordInTheMiddle_IsBrokenChainAndNothingIsAccepted()
    {
        using var key = NewKey();
        var chain = HonestChain(3);
        chain[1] = RecordCodec.Encode(Record(2, RecordCodec.Hash(chain[0]), data: """{"operate_s":13}"""));

        var verdict = BatchVerifier.Verify(Batch(key, chain), key, ChainHead.Genesis, NothingHeld);

        // The altered record 2 still links to 1, but record 3 (which the checkpoint signs) names the original record 2.
        Assert.Empty(verdict.Accepted);
        Assert.All(verdict.Rejected, r => Assert.Equal(RejectionReasons.BrokenChain, r.Reason));
        Assert.Equal([1L, 2, 3], verdict.Rejected.Select(r => r.Seq).Order());
    }

    [Fact]
    public void Verify_AlteredLastRecord_FailsTheCheckpoint()
    {
        using var key = NewKey();
        var chain = HonestChain(3);
        var checkpoint = Checkpoint.Sign(key, Device, 3, RecordCodec.Hash(chain[2]));
        chain[2] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(chain[2]).Replace("\"operate_s\":12", "\"operate_s\":21", StringComparison.Ordinal));

        var verdict = BatchVerifier.Verify(Batch(key, chain, checkpoint: checkpoint), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Accepted);
        Assert.All(verdict.Rejected, r => Assert.Equal(RejectionReasons.BadSignature, r.Reason));
        Assert.Equal(3, verdict.Rejected.Count);
    }

    [Fact]
    public void Verify_SignedByAnotherKey_IsBadSignature()
    {
        using var key = NewKey();
        using var intruder = NewKey();
        var chain = HonestChain(2);

        var verdict = BatchVerifier.Verify(Batch(intruder, chain), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Accepted);
        Assert.All(verdict.Rejected, r => Assert.Equal(RejectionReasons.BadSignature, r.Reason));
    }

    [Fact]
    public void Verify_ReorderedRecords_IsBrokenChainAndNothingIsAccepted()
    {
        using var key = NewKey();
        var chain = HonestChain(3);
        // Same seqs, swapped contents: record "2" now carries record 3's bytes re-numbered, so its prev names seq 2.
        var swapped = new List<byte[]> { chain[0], RecordCodec.Encode(Record(2, RecordCodec.Hash(chain[1]))), chain[2] };

        var verdict = BatchVerifier.Verify(Batch(key, swapped), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Accepted);
        Assert.Contains(verdict.Rejected, r => r.Seq == 2 && r.Reason == RejectionReasons.BrokenChain);
    }

    [Fact]
    public void Verify_RecordsSwappedInTheArray_RefusesTheWholeBatch()
    {
        using var key = NewKey();
        var chain = HonestChain(3);
        var checkpoint = Checkpoint.Sign(key, Device, 3, RecordCodec.Hash(chain[2]));

        var verdict = BatchVerifier.Verify(Batch(key, [chain[0], chain[2], chain[1]], checkpoint: checkpoint), key, ChainHead.Genesis, NothingHeld);

        Assert.Empty(verdict.Accepted);
        Assert.All(verdict.Rejected, r => Assert.Equal(RejectionReasons.Malformed, r.Reason));
        Assert.Contains("not in sequence order", verdict.Rejected[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RecordOfAnotherDevice_IsWrongTopic()
    {
        using var key = NewKey();
        var chain = HonestChain(1);
        var foreign = RecordCodec.Encode(Record(5, RecordCodec.Hash(chain[0])) with { DeviceId = "GL-0002" });
        var checkpoint = Checkpoint.Sign(key, Device, 1, RecordCodec.Hash(chain[0]));

        var verdict = BatchVerifier.Verify(Batch(key, [chain[0], foreign], checkpoint: checkpoint), key, ChainHead.Genesis, NothingHeld);

        Assert.Equal([1L], verdict.Accepted.Select(e => e.Seq));
        Assert.Equal(RejectionReasons.WrongTopic, Assert.Single(verdict.Rejected).Reason);
    }
}
