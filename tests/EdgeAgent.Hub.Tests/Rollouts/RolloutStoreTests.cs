using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Rollouts;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Releases;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;

namespace EdgeAgent.Hub.Tests.Rollouts;

/// <summary>
/// Campaign creation over a database with devices whose records were ingested through the real processor: the target
/// set (board and agent from the latest power.state, site from the latest deployment.commissioned, revoked excluded,
/// release compatibility), and what the CLI refuses.
/// </summary>
public sealed class RolloutStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ReleaseFiles _files = new();
    private readonly List<TestDevice> _devices = [];

    private string Db => _dir.Combine("edgehub.db");

    public void Dispose()
    {
        foreach (var d in _devices)
        {
            d.Dispose();
        }

        _files.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void Create_BoardAndSiteFilters_OnlyDevicesLastReportingThemUnknownNeverMatches()
    {
        Device("D1", board: "rk3588", agent: "0.2.0", site: "SITE-1");
        Device("D2", board: "rk3588", agent: "0.2.0", site: "SITE-2");
        Device("D3", board: "jetson", agent: "0.2.0", site: "SITE-1");
        Device("D4", board: null, agent: null, site: "SITE-1");
        Device("D5", board: "jetson", agent: "0.2.0", site: "SITE-1", thenBoard: "rk3588"); // moved to a new board: the latest report counts
        Device("X1", board: "rk3588", agent: "0.2.0", site: "SITE-1", product: "drone-b");
        _files.Publish(Db);

        var (campaign, excluded) = Create(new RolloutTarget("glasses-a", "rk3588", "SITE-1"));

        Assert.Equal(["D1", "D5"], Devices(campaign.Id).Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal(["D2: site SITE-2 is not SITE-1", "D3: board jetson is not rk3588", "D4: board unknown is not rk3588"],
            excluded.Select(e => $"{e.DeviceId}: {e.Reason}").Order(StringComparer.Ordinal));
        Assert.Equal(CampaignStates.Running, campaign.State);
        Assert.Equal(0, campaign.Wave);
    }

    [Fact]
    public void Create_RevokedDevicesAndReleaseRestrictions_LeftOutWithTheirReason()
    {
        Device("D1", board: "rk3588", agent: "0.3.0", site: null);
        Device("D2", board: "rk3588", agent: "0.1.0", site: null);
        Device("D3", board: "jetson", agent: "0.3.0", site: null);
        Device("D4", board: "rk3588", agent: null, site: null);
        Device("D5", board: "rk3588", agent: "0.3.0", site: null);
        using (var store = HubStore.Open(Db))
        {
            new IdentityRecords(store).Revoke(new RevocationRow("D5", "stolen", 1));
            new EdgeAgent.Hub.Releases.ReleaseRegistry(store, new EdgeAgent.Hub.Releases.ArtifactStore(Db), TimeProvider.System).Publish(_files.Request(boards: ["rk3588"], agentMin: "0.2.0"));
        }

        var (campaign, excluded) = Create(new RolloutTarget("glasses-a", null, null));

        Assert.Equal(["D1"], Devices(campaign.Id).Select(d => d.DeviceId));
        var reasons = excluded.ToDictionary(e => e.DeviceId, e => e.Reason);
        Assert.Equal("agent 0.1.0 is older than 0.2.0", reasons["D2"]);
        Assert.Equal("release runs on boards rk3588, the device's board is jetson", reasons["D3"]);
        Assert.StartsWith("agent version unknown", reasons["D4"], StringComparison.Ordinal);
        Assert.Equal("revoked", reasons["D5"]);
    }

    [Fact]
    public void Create_DeviceAlreadyInARunningCampaign_RefusedAsConflict()
    {
        Device("D1", board: null, agent: null, site: null);
        _files.Publish(Db);
        var (first, _) = Create(new RolloutTarget("glasses-a", null, null));

        var e = Assert.Throws<RolloutException>(() => Create(new RolloutTarget("glasses-a", null, null)));

        Assert.Equal(RolloutProblem.Conflict, e.Problem);
        Assert.Contains(first.Id, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--model", "tiny-test", "--version", "9.9.9", "--target", "product=glasses-a" }, "no release tiny-test 9.9.9 is published")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "board=rk3588" }, "product=P is required")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "product=glasses-a,colour=red" }, "'colour' is not a target key")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "product=glasses-a", "--waves", "1,10,50" }, "the last wave must be 100")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "product=nobody" }, "no device to update")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "product=glasses-a", "--probation-calls", "0" }, "--probation.calls 0 must be between 1 and 1000000")]
    [InlineData(new[] { "--model", "tiny-test", "--version", "1.0.0", "--target", "product=glasses-a", "--halt-failures", "101" }, "are percentages from 0 to 100")]
    public async Task CreateCommand_BadInput_RefusedWithReason(string[] args, string message)
    {
        Device("D1", board: null, agent: null, site: null);
        _files.Publish(Db);

        var (code, _, error) = await HubCliRunner.RunAsync(["rollout", "create", .. args, "--db", Db]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCommand_KeyRevokedAfterPublishing_Refused()
    {
        Device("D1", board: null, agent: null, site: null);
        _files.Publish(Db);
        Assert.Equal(0, (await HubCliRunner.RunAsync("models", "revoke-key", "--id", _files.KeyId, "--db", Db)).Code);

        var (code, _, error) = await HubCliRunner.RunAsync("rollout", "create", "--model", "tiny-test", "--version", "1.0.0", "--target", "product=glasses-a", "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains($"is signed by release key {_files.KeyId}, revoked at the hub", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOutcomes_RecordsOfAnotherCampaign_PassedOver()
    {
        var d1 = Device("D1", board: null, agent: null, site: null);
        _files.Publish(Db);
        var (campaign, _) = Create(new RolloutTarget("glasses-a", null, null));

        Ingest(d1, d1.Next(RecordTypes.ModelUpdate, """{"campaign":"ro-other","name":"tiny-test","version":"1.0.0","state":"failed","reason":"hash.mismatch"}""", 50_000),
            d1.Next(RecordTypes.ModelUpdate, $$"""{"campaign":"{{campaign.Id}}","name":"tiny-test","version":"1.0.0","state":"probation"}""", 50_001));
        using var store = HubStore.Open(Db);
        var changed = new RolloutStore(store, TimeProvider.System).ReadOutcomes(campaign.Id);

        Assert.Equal([("D1", UpdateStates.Probation, (string?)null)], changed);
        Assert.Equal(UpdateStates.Probation, Assert.Single(Devices(campaign.Id)).State);
    }

    private (CampaignRow, IReadOnlyList<ExcludedDevice>) Create(RolloutTarget target)
    {
        using var store = HubStore.Open(Db);
        return new RolloutStore(store, TimeProvider.System).Create(new CampaignRequest(ReleaseFiles.Model, "1.0.0", target, [1m, 10m, 50m, 100m], 95m, 5m, new ProbationPolicy()));
    }

    private IReadOnlyList<CampaignDeviceRow> Devices(string id)
    {
        using var store = HubStore.Open(Db);
        return new RolloutStore(store, TimeProvider.System).Devices(id);
    }

    /// <summary>An enrolled device whose agent reported its board and version at start (power.state), and its commissioning site.</summary>
    private TestDevice Device(string id, string? board, string? agent, string? site, string? thenBoard = null, string product = "glasses-a")
    {
        var device = new TestDevice(id, product);
        _devices.Add(device);
        using (var store = HubStore.Open(Db))
        {
            Assert.True(EdgeAgent.Hub.Devices.DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out var problem), problem);
            store.Enroll(new DeviceRow(id, product, pem, keyId, 1));
        }

        var fields = new List<string>();
        if (board is not null)
        {
            fields.Add($"\"board\":\"{board}\"");
        }

        if (agent is not null)
        {
            fields.Add($"\"agent_version\":\"{agent}\"");
        }

        var records = new List<byte[]> { device.Next(RecordTypes.PowerState, "{" + string.Join(',', ["\"state\":\"on\"", .. fields]) + "}", 1_000) };
        if (site is not null)
        {
            records.Add(device.Next(RecordTypes.DeploymentCommissioned, $$"""{"site":"{{site}}"}""", 2_000));
        }

        if (thenBoard is not null)
        {
            records.Add(device.Next(RecordTypes.PowerState, $$"""{"state":"on","board":"{{thenBoard}}","agent_version":"{{agent}}"}""", 3_000));
        }

        Ingest(device, [.. records]);
        return device;
    }

    private void Ingest(TestDevice device, params byte[][] records)
    {
        using var store = HubStore.Open(Db);
        using var processor = new IngestionProcessor(store, TimeProvider.System, new ListLogger<IngestionProcessor>());
        var ack = Assert.Single(processor.Process([new IncomingBatch(device.EventsTopic, device.Batch(records))]));
        Assert.Equal(device.Seq, ack.Ack.AckedSeq);
    }
}
