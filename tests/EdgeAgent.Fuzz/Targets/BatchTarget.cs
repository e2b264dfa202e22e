using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// The hub's reading and checking of an incoming batch: <see cref="RecordBatch.TryRead"/>, then
/// <see cref="BatchVerifier.Verify"/> against FORMAT.md's example device key, at the genesis head and at a head holding
/// record 1. A signature the fuzzer cannot forge would stop every mutated batch at <c>bad_signature</c>, so each batch
/// that reads is also re-signed with the harness's own key over its last entry (as a device would) and verified again:
/// that reaches the chain checks (gap, broken chain, replay, duplicates, tombstones) with mutated records. The re-signed
/// batch then goes through the hub's ingestion (<see cref="IngestionStage"/>: storage, clock anchoring, drop reports).
/// <para>Documented rejections: TryRead returning false with a reason, and rejections inside the verdict. Anything thrown is a finding.</para>
/// </summary>
internal sealed class BatchTarget : IFuzzTarget
{
    /// <summary>FORMAT.md's example device key: its batch example's checkpoint verifies with it.</summary>
    private const string FormatDeviceKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXxZ+EBNk6b8mNwPx7+jLnSoPrdZg
        9QyMj2XsadAw8c6kxa9lghanrdOkwxgabr9TOx4zcEx+Ujsj2PSDNVHQAg==
        -----END PUBLIC KEY-----
        """;

    /// <summary>The harness's fixed signing key (a test key made for this harness, used nowhere else).</summary>
    private const string HarnessKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYMFwKjp58gr6nwI4
        ywoi07tgwPmKOUaN20x8yPxAIbKhRANCAARDWEDLsgajOIXrsCKOURleu2eGA0pg
        KRUvleEQsDFtnKZ2q4tGIfejoIxN7WZpuJqFO7DvQLBJaebkb15eCTCD
        -----END PRIVATE KEY-----
        """;

    /// <summary>FORMAT.md's record 1 of GL-0001: the head of the second verification.</summary>
    private static readonly ChainHead HeadAtRecordOne = new(1, "24811563eeca98e92d6c48c94fa3d726c2aab445816b0390d65451f2c0fb8fcb");

    private readonly ECDsa _formatKey;
    private readonly ECDsa _harnessKey;
    private readonly IngestionStage _ingestion;

    public BatchTarget()
    {
        _formatKey = ECDsa.Create();
        _formatKey.ImportFromPem(FormatDeviceKey);
        _harnessKey = ECDsa.Create();
        _harnessKey.ImportFromPem(HarnessKey);
        _ingestion = new IngestionStage(_harnessKey);
    }

    public string Name => "batch";

    public void Dispose()
    {
        _formatKey.Dispose();
        _harnessKey.Dispose();
        _ingestion.Dispose();
    }

    public string Covers => "Contracts RecordBatch.TryRead and BatchVerifier.Verify (records, tombstones, checkpoint, chain); Hub IngestionProcessor.Process on SQLite";

    public void Run(byte[] input)
    {
        if (!RecordBatch.TryRead(input, out var batch, out var reason, out _))
        {
            FuzzInvariantException.ThrowUnless(reason is not null, "TryRead refused without a reason");
            return;
        }

        VerifyBoth(batch!, _formatKey);
        if (Resigned(batch!) is { } payload)
        {
            FuzzInvariantException.ThrowUnless(RecordBatch.TryRead(payload, out var resigned, out reason, out _), $"a batch written back by RecordBatch.Write does not read: {reason}");
            VerifyBoth(resigned!, _harnessKey);
            var acked = _ingestion.Ingest(payload);
            var expected = resigned!.DeviceId == IngestionStage.Device && resigned.ProductId == IngestionStage.Product
                ? BatchVerifier.Verify(resigned, _harnessKey, ChainHead.Genesis, _ => null).Head.Seq
                : 0;
            FuzzInvariantException.ThrowUnless(acked == expected, $"the hub acknowledged seq {acked}; the verifier accepts up to seq {expected}");
        }
    }

    private static void VerifyBoth(RecordBatch batch, ECDsa key)
    {
        Verify(batch, key, ChainHead.Genesis, _ => null);
        Verify(batch, key, HeadAtRecordOne, seq => seq == 1 ? HeadAtRecordOne.Hash : null);
    }

    private static void Verify(RecordBatch batch, ECDsa key, ChainHead head, Func<long, string?> held)
    {
        var verdict = BatchVerifier.Verify(batch, key, head, held);
        FuzzInvariantException.ThrowUnless(verdict.Head.Seq >= head.Seq, $"the head went back from {head.Seq} to {verdict.Head.Seq}");
        FuzzInvariantException.ThrowUnless(verdict.Accepted.Count == 0 || verdict.Head == new ChainHead(verdict.Accepted[^1].Seq, verdict.Accepted[^1].Hash),
            "the head is not the last accepted entry");
    }

    /// <summary>The batch again, its checkpoint signed by the harness key over its last entry; null when no entry has a seq.</summary>
    private byte[]? Resigned(RecordBatch batch)
    {
        (long Seq, string Hash)? last = null;
        foreach (var bytes in batch.Records)
        {
            if (RecordCodec.TryDecode(bytes, out var record, out _) && (last is null || record!.Seq > last.Value.Seq))
            {
                last = (record!.Seq, RecordCodec.Hash(bytes));
            }
        }

        foreach (var tombstone in batch.Dropped)
        {
            if (last is null || tombstone.Seq > last.Value.Seq)
            {
                last = (tombstone.Seq, tombstone.Hash);
            }
        }

        if (last is not { } entry)
        {
            return null;
        }

        var checkpoint = Checkpoint.Sign(_harnessKey, batch.DeviceId, entry.Seq, entry.Hash);
        return RecordBatch.Write(batch.DeviceId, batch.ProductId, batch.Records.Select(r => new ReadOnlyMemory<byte>(r)), [.. batch.Dropped], checkpoint);
    }
}
