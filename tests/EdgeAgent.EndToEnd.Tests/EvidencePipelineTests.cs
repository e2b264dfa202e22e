using System.Text.Json;
using EdgeAgent.Contracts.Records;
using static EdgeAgent.EndToEnd.Tests.Evidence;

namespace EdgeAgent.EndToEnd.Tests;

/// <summary>
/// The evidence pipeline with nothing faked: the agent process appends to its SQLite outbox and publishes over MQTT, the
/// hub process verifies and stores, and the test kills whatever it likes in between. Each test runs against the hub's
/// embedded broker and against Mosquitto.
/// </summary>
[Collection(nameof(EndToEnd))]
public sealed class EvidencePipelineTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task CrashSafety_10000RecordsThrough20KillsAndRestarts_HubHoldsTheWholeChainOnce(BrokerKind broker)
    {
        const int Records = 10_000;
        const int Kills = 20;
        const int OwnRecordsMargin = 200;
        await using var site = await Site.StartAsync(broker);
        await site.SetLoadAsync(untilSeq: Records);
        var random = new Random(20261201);

        for (var kill = 1; kill <= Kills; kill++)
        {
            await site.StartAgentAsync();
            var target = random.Next(50, 700);
            // Wait only while the generator has room below the last seq: the agent's own records (power, activation,
            // clock sync, usage) take seqs too, so the count of generated records says less than the highest seq made.
            var room = Records - OwnRecordsMargin - (int)site.Made.DefaultIfEmpty().Max();
            if (room > 0)
            {
                await site.WaitForMadeAsync(Math.Min(target, room), TimeSpan.FromSeconds(60));
            }

            await site.KillAgentAsync();
            if (kill == 7)
            {
                await site.RestartBrokerAsync();
            }

            if (kill == 14)
            {
                await site.KillHubAsync();
                await site.StartHubAsync();
            }
        }

        // The last run makes the rest and delivers everything; then the device is killed once more, mid-nothing.
        await site.StartAgentAsync();
        // The generator stops once the chain's head reaches Records; the last seqs may be the agent's own records.
        await Site.EventuallyAsync(() => Head(site) >= Records, Drain, () => $"device head {Head(site)}, made up to {site.Made.Concat(Site.MadeBy(site.Agent!)).DefaultIfEmpty().Max()}");
        await Site.EventuallyAsync(() => Acked(site) >= Head(site) && Head(site) >= Records && site.HubHead() == Head(site), Drain,
            () => $"device head {Head(site)}, acked {Acked(site)}, hub head {site.HubHead()}");
        var head = Head(site);
        await site.KillAgentAsync();

        var held = site.HubRecords();
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), held.Select(r => r.Seq));
        Assert.Subset(held.Select(r => r.Seq).ToHashSet(), site.Made.ToHashSet());
        AssertChainVerifies(site, held);
        Assert.True(held.Count(r => r.Type == RecordTypes.MaintenancePerformed) >= Records - (Kills + 1) * 4, "the generator's records are the bulk of the chain");
        Assert.DoesNotContain(site.HubRejections(), r => r.Key is not RejectionReasons.Gap);
        site.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task Outage_BrokerDownWhile5000RecordsAreMade_TheyWaitOnDiskAndDrainInOrder(BrokerKind broker)
    {
        await using var site = await Site.StartAsync(broker);
        await site.StartAgentAsync();
        await site.SetLoadAsync(untilSeq: 100);
        await Site.EventuallyAsync(() => site.HubHead() >= 100, Drain, () => $"hub head {site.HubHead()}");

        await site.StopBrokerAsync();
        // The head is read once the agent reports itself disconnected: nothing after it can be acknowledged (a head read
        // from an older status could be a few records behind ones that were still acknowledged).
        await Site.EventuallyAsync(() => !site.AgentStatus().GetProperty("connected").GetBoolean(), Drain, () => "the agent still reports itself connected");
        var before = Head(site);
        await site.SetLoadAsync(untilSeq: before + 5000);
        await Site.EventuallyAsync(() => Head(site) >= before + 5000, Drain, () => $"device head {Head(site)}");
        await Site.EventuallyAsync(() => Queued(site) >= 5000, TimeSpan.FromSeconds(10), () => $"queued {Queued(site)}");
        Assert.False(site.AgentStatus().GetProperty("connected").GetBoolean());

        await site.StartBrokerAsync();
        await Site.EventuallyAsync(() => site.HubHead() == Head(site) && Queued(site) == 0, Drain,
            () => $"device head {Head(site)}, queued {Queued(site)}, hub head {site.HubHead()}");
        await site.KillAgentAsync();

        var held = site.HubRecords();
        Assert.Equal(Enumerable.Range(1, held.Length).Select(i => (long)i), held.Select(r => r.Seq));
        AssertChainVerifies(site, held);
        Assert.DoesNotContain(site.HubRejections(), r => r.Key is not RejectionReasons.Gap);
        site.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task DiskBudget_OfflineOverTheCaps_TelemetryDroppedOldestFirstAndCountedEvidenceAllArrivesFullOutboxIsAFault(BrokerKind broker)
    {
        // Records of about 450 bytes, every other one telemetry, with a 64 KiB telemetry cap in a 1 MiB outbox.
        await using var site = await Site.StartAsync(broker);
        await site.StopBrokerAsync();
        await site.SetLoadAsync(untilSeq: 3000, telemetryEvery: 2);
        await site.StartAgentAsync("Outbox:MaxBytes=1048576", "Outbox:MaxTelemetryBytes=65536");

        // 1. Offline, 1,500 telemetry records pass the telemetry cap: the oldest go, the newest stay, the drop is written down.
        await Site.EventuallyAsync(() => Head(site) >= 3000, Drain, () => $"device head {Head(site)}");
        await site.StartBrokerAsync();
        // The drops are written down at the usage loop's next budget check, so the last report can trail the last drop.
        await Site.EventuallyAsync(() => site.HubHead() == Head(site) && Queued(site) == 0 && AllDropsReported(site.HubRecords()), Drain,
            () => $"device head {Head(site)}, hub head {site.HubHead()}, queued {Queued(site)}, dropped {Tombstones(site.HubRecords())}, reported {ReportedDrops(site.HubRecords())}");
        var held = site.HubRecords();
        var tombstones = held.Where(r => r.Payload is null).Select(r => r.Seq).ToList();
        var telemetry = held.Where(r => r.Type == RecordTypes.EnvSample).Select(r => r.Seq).ToList();
        Assert.NotEmpty(tombstones);
        Assert.NotEmpty(telemetry);
        Assert.True(tombstones.Max() < telemetry.Min(), $"oldest first: dropped up to seq {tombstones.Max()}, kept from seq {telemetry.Min()}");
        Assert.Equal(tombstones.Count, ReportedDrops(held));

        // 2. Offline again, the evidence alone (about 1.1 MB) outgrows the whole outbox: new telemetry is refused, evidence
        //    is kept over the budget, and the full outbox is a storage fault that clears once the hub has the records.
        await site.StopBrokerAsync();
        var before = Head(site);
        await site.SetLoadAsync(untilSeq: before + 5000, telemetryEvery: 2);
        await Site.EventuallyAsync(() => Head(site) >= before + 5000, Drain, () => $"device head {Head(site)}");
        await site.StartBrokerAsync();
        await Site.EventuallyAsync(() => site.HubHead() == Head(site) && Queued(site) == 0 && site.HubRecords() is var all && all.Any(r => r.Type == RecordTypes.FaultCleared) && AllDropsReported(all), Drain,
            () => $"device head {Head(site)}, hub head {site.HubHead()}, queued {Queued(site)}, dropped {Tombstones(site.HubRecords())}, reported {ReportedDrops(site.HubRecords())}");
        await site.KillAgentAsync();

        held = site.HubRecords();
        Assert.Equal(Enumerable.Range(1, held.Length).Select(i => (long)i), held.Select(r => r.Seq));
        AssertChainVerifies(site, held);
        var faults = held.Where(r => r.Type is RecordTypes.FaultRaised or RecordTypes.FaultCleared)
            .Select(r => (r.Type, Data: JsonDocument.Parse(r.Payload!).RootElement.GetProperty("data"))).ToList();
        Assert.Contains(faults, f => f.Type == RecordTypes.FaultRaised && f.Data.GetProperty("code").GetString() == "storage.budget_exhausted" && !f.Data.GetProperty("relevant").GetBoolean());
        Assert.Contains(faults, f => f.Type == RecordTypes.FaultCleared && f.Data.GetProperty("code").GetString() == "storage.budget_exhausted");
        Assert.Equal(Tombstones(held), ReportedDrops(held));

        // Every record the agent was told was durable arrived: evidence whole, telemetry whole or as its tombstone.
        var evidence = held.Where(r => r.Payload is not null && r.Type != RecordTypes.EnvSample).Select(r => r.Seq).ToHashSet();
        Assert.True(evidence.Count >= 4000, $"{evidence.Count} evidence records");
        Assert.Subset(held.Select(r => r.Seq).ToHashSet(), site.Made.ToHashSet());
        Assert.DoesNotContain(site.HubRejections(), r => r.Key is not RejectionReasons.Gap);
        site.AssertNoErrorLogged();
    }
}

[CollectionDefinition(nameof(EndToEnd), DisableParallelization = true)]
public sealed class EndToEnd;
