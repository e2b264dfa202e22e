using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Sim.Tests;

/// <summary>What the hub holds after a small mixed fleet ran with every fault (<see cref="FleetRunFixture"/>).</summary>
public sealed class FleetRunTests(FleetRunFixture run) : IClassFixture<FleetRunFixture>
{
    [Fact]
    public void Run_AllDevices_ConnectAndEveryRecordIsAcknowledged()
    {
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(FleetRunFixture.Devices, (int)run.Summary["connected_peak"]!);
        Assert.Equal(0L, (long)run.Summary["records_unacknowledged"]!);
        Assert.Equal((long)run.Summary["records_made"]!, (long)run.Summary["records_acknowledged"]!);
        Assert.Equal(0L, run.HubErrors);
        Assert.DoesNotContain(run.Summary["log"]!.AsObject(), e => e.Key.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_EveryRecord_ListedOnceByEdgehubRecords()
    {
        long listed = 0;
        foreach (var device in Members())
        {
            var seqs = (await RecordsAsync(device)).Select(r => (long)r["seq"]!).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            listed += seqs.Count;
        }

        Assert.Equal((long)run.Summary["records_made"]!, listed);
        Assert.Equal(listed, (long)run.Summary["hub"]!["records_stored"]!);
    }

    [Fact]
    public void Run_EveryChain_VerifiesFromItsBytesAndSignedCheckpoints()
    {
        using var store = HubStore.Open(run.Database);
        foreach (var device in Members())
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(store.FindDevice(device)!.PublicKeyPem);
            var previous = EvidenceRecord.GenesisPrev;
            var hashes = new Dictionary<long, string>();
            foreach (var row in store.Records(device, 1))
            {
                Assert.Equal(row.Hash, RecordCodec.Hash(row.Payload!));
                Assert.Equal(previous, row.Prev);
                previous = row.Hash;
                hashes[row.Seq] = row.Hash;
            }

            var checkpoints = store.Checkpoints(device);
            Assert.NotEmpty(checkpoints);
            Assert.All(checkpoints, c => Assert.True(c.VerifiedBy(key, device) && hashes[c.Seq] == c.Hash, $"{device}: checkpoint {c.Seq}"));
        }
    }

    [Fact]
    public void Tamper_AlteredDelivery_FlaggedWithItsReasonAndNotCounted()
    {
        var events = run.Fault("tamper")["events"]!.AsArray();
        Assert.NotEmpty(events);
        using var store = HubStore.Open(run.Database);
        var (perReason, latest) = store.Rejections(null, 1000);
        // The altered delivery is flagged broken_chain or bad_signature; the batch the device sent right behind it is a gap.
        Assert.All(perReason.Keys, r => Assert.True(r is RejectionReasons.BrokenChain or RejectionReasons.BadSignature or RejectionReasons.Gap, r));
        foreach (var e in events)
        {
            var device = (string)e!["device"]!;
            var seq = (long)e["seq"]!;
            Assert.Contains(latest, r => r.DeviceId == device && (r.Seq == seq || r.Seq == 0 || r.Seq < seq) && r.Reason is RejectionReasons.BrokenChain or RejectionReasons.BadSignature);
            // The record stored at that seq is the true one: its bytes hash to the hash the next record links to (checked
            // for every chain above) and it is there once.
            Assert.Single(store.Records(device, seq), r => r.Seq == seq);
        }

        Assert.All(latest, r => Assert.Contains(r.DeviceId, run.FaultDevices("tamper")));
    }

    [Fact]
    public async Task Duplicate_ResentRecords_AcknowledgedAgainAndStoredOnce()
    {
        Assert.True((long)run.Summary["resent_records_acknowledged_again"]! > 0, "no record was sent again");
        foreach (var device in run.FaultDevices("duplicate"))
        {
            var seqs = (await RecordsAsync(device)).Select(r => (long)r["seq"]!).ToList();
            Assert.Equal(seqs.Distinct().Count(), seqs.Count);
        }
    }

    [Fact]
    public async Task Reset_Device_StartsANewUncleanBootOnTheSameChain()
    {
        var devices = run.FaultDevices("reset");
        Assert.NotEmpty(devices);
        foreach (var device in devices)
        {
            var records = await RecordsAsync(device);
            var second = records.Where(r => (long)r["boot"]! == 2).ToList();
            Assert.NotEmpty(second);
            var on = second.First();
            Assert.Equal("power.state", (string)on["type"]!);
            Assert.Equal("unclean", (string)on["data"]!["previous_shutdown"]!);
            Assert.True((long)on["mono_ms"]! < records.Where(r => (long)r["boot"]! == 1).Max(r => (long)r["mono_ms"]!), $"{device}: boot 2 did not start its monotonic clock again");
            Assert.Single(records, r => (string)r["type"]! == "device.activated");
        }
    }

    [Fact]
    public async Task NoRtc_Records_HaveNoWallTimeUntilTheHubsClockAndAreAnchored()
    {
        var devices = run.FaultDevices("no-rtc");
        Assert.Equal(6, devices.Count);
        using var store = HubStore.Open(run.Database);
        foreach (var device in devices)
        {
            // Before the first clock sync the device has no time at all; after it, its own clock anchored on the hub's.
            var rows = store.Records(device, 1);
            Assert.All(rows, r => Assert.True(r.TimeSource == TimeSources.Hub || (r.TimeSource == TimeSources.None && r.WallMs is null), $"{device} seq {r.Seq}: {r.TimeSource} {r.WallMs}"));
            Assert.Equal(TimeSources.None, rows[0].TimeSource);
            var statuses = (await RecordsAsync(device)).Select(r => (string)r["time"]!["status"]!).ToList();
            Assert.Contains("anchored", statuses);
            Assert.All(statuses, s => Assert.True(s is "anchored" or "unknown" or "bounded", s));
        }

        var clocked = Members().Except(devices).First();
        Assert.All(await RecordsAsync(clocked), r => Assert.Equal("synced", (string)r["time"]!["status"]!));
    }

    [Fact]
    public async Task Drift_ShowsInTheOffsetsOfABootsClockSyncs()
    {
        var devices = run.FaultDevices("drift");
        Assert.Equal(3, devices.Count);
        foreach (var device in devices)
        {
            var syncs = (await RecordsAsync(device)).Where(r => (string)r["type"]! == "clock.sync" && (long)r["boot"]! == 1).Select(r => r["data"]!).ToList();
            Assert.True(syncs.Count >= 2, $"{device}: {syncs.Count} clock.sync records in boot 1");
            var (first, last) = (syncs[0], syncs[^1]);
            var monoBetween = (long)last["t0_mono_ms"]! - (long)first["t0_mono_ms"]!;
            var expected = -20_000e-6 * monoBetween;
            var change = (long)last["offset_ms"]! - (long)first["offset_ms"]!;
            var tolerance = (long)first["err_ms"]! + (long)last["err_ms"]! + 5;
            Assert.True(Math.Abs(change - expected) <= tolerance, $"{device}: offset moved {change} ms over {monoBetween} mono ms; 20000 ppm means {expected:F0} ms (± {tolerance})");
        }
    }

    [Fact]
    public async Task Disconnect_RecordsMadeWhileDown_DeliveredAfterTheReconnect()
    {
        var devices = run.FaultDevices("disconnect");
        Assert.Equal(3, devices.Count);
        foreach (var device in devices)
        {
            var records = await RecordsAsync(device);
            Assert.True(records.Count(r => (string)r["type"]! == "clock.sync") >= 2, $"{device}: no second clock.sync after the reconnect");
            Assert.Equal("off", (string)records[^1]["data"]!["state"]!);
        }
    }

    private IEnumerable<string> Members() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run.FleetDirectory, "fleet.json")))!["devices"]!.AsArray().Select(d => (string)d!["serial"]!);

    private async Task<List<JsonNode>> RecordsAsync(string device)
    {
        var text = await FleetRunFixture.HubOutputAsync("records", "--device", device, "--format", "json", "--db", run.Database);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }
}
