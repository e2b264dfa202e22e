using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.EndToEnd.Tests;

/// <summary>
/// What the end-to-end and fault tests check at the end of a run, read from the agent's status file and the hub's
/// database: heads, queue, tombstones against the drops reported, and the whole chain re-verified.
/// </summary>
internal static class Evidence
{
    public static long Tombstones(HubRecord[] held) => held.Count(r => r.Payload is null);

    public static bool AllDropsReported(HubRecord[] held) => Tombstones(held) > 0 && Tombstones(held) == ReportedDrops(held);

    public static long ReportedDrops(HubRecord[] held) => held.Where(r => r.Type == RecordTypes.TelemetryDropped)
        .Sum(r => JsonDocument.Parse(r.Payload!).RootElement.GetProperty("data").GetProperty("count").GetInt64());

    public static long Head(Site site) => site.AgentStatus("head_seq");

    public static long Acked(Site site) => site.AgentStatus("acked_seq");

    public static long Queued(Site site)
    {
        var s = site.AgentStatus();
        return s.TryGetProperty("evidence_records", out var e) ? e.GetInt64() + s.GetProperty("telemetry_records").GetInt64() : -1;
    }

    /// <summary>Re-checks what the hub holds without trusting it: every record's hash, every link, tombstones included.</summary>
    public static void AssertChainVerifies(Site site, HubRecord[] held)
    {
        var head = ChainHead.Genesis;
        foreach (var r in held)
        {
            if (r.Payload is { } bytes)
            {
                Assert.True(RecordCodec.TryDecode(bytes, out var record, out var problem), $"seq {r.Seq}: {problem}");
                Assert.Equal(RecordCodec.Hash(bytes), r.Hash);
                Assert.Equal((head.Seq + 1, head.Hash), (record!.Seq, record.Prev));
                Assert.Equal(Site.Device, record.DeviceId);
            }
            else
            {
                Assert.Equal(head.Seq + 1, r.Seq);
            }

            head = new ChainHead(r.Seq, r.Hash);
        }

        // The device's signature over the newest checkpoint the hub kept vouches for everything up to it.
        var checkpoint = site.LatestCheckpoint();
        using var key = site.DevicePublicKey();
        Assert.True(checkpoint.VerifiedBy(key, Site.Device), $"checkpoint over seq {checkpoint.Seq} does not verify");
        Assert.Equal(held.Single(r => r.Seq == checkpoint.Seq).Hash, checkpoint.Hash);
    }
}
