using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Rollouts;
using EdgeAgent.Hub.Tests.Releases;
using EdgeAgent.Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Tests.Rollouts;

/// <summary>
/// Campaigns end to end: a hub in-process (embedded broker, or a real Mosquitto), 50 enrolled synthetic devices that
/// answer directives with signed <c>model.update</c> batches through real ingestion, the campaign created with the CLI
/// and run by <c>edgehub serve</c>'s own engine.
/// </summary>
public sealed class RolloutCampaignTests
{
    private const int Fleet = 50;
    private const string Product = "smart-glasses";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Campaign_FiftyDevicesAllCommit_AdvancesWaveByWaveToCompleted(bool mosquitto)
    {
        await using var run = await CampaignRun.StartAsync(mosquitto);
        var id = await run.CreateAsync();
        await using var responder = await run.RespondAsync();

        await Eventually.UntilAsync(() => run.Campaign(id).State == CampaignStates.Completed, $"campaign {id} completed; it is {run.Campaign(id).State}: {run.Campaign(id).Reason}");

        var devices = run.Devices(id);
        Assert.Empty(responder.Problems);
        Assert.All(devices, d => Assert.Equal(UpdateStates.Committed, d.State));
        Assert.Equal([1, 4, 20, 25], Enumerable.Range(1, 4).Select(w => devices.Count(d => d.Wave == w)));

        // Wave by wave: no device of wave k was told to install before every device of wave k-1 had reported its outcome.
        for (var wave = 2; wave <= 4; wave++)
        {
            var lastOfPrevious = devices.Where(d => d.Wave == wave - 1).Max(d => responder.Finished[d.DeviceId]);
            var firstOfThis = devices.Where(d => d.Wave == wave).Min(d => responder.Received[d.DeviceId].First().Tick);
            Assert.True(lastOfPrevious < firstOfThis, $"wave {wave} was directed (tick {firstOfThis}) before wave {wave - 1} finished (tick {lastOfPrevious})");
        }

        Assert.All(devices, d => Assert.Equal([ModelDirective.Install], responder.Received[d.DeviceId].Select(r => r.Directive.Action).Distinct()));
        var directive = responder.Last(devices[0].DeviceId)!;
        Assert.Equal(id, directive.Campaign);
        Assert.Equal(new Uri(run.Hub.Host.HttpUri, $"/api/v1/releases/tiny-test/1.0.0/release.json"), new Uri(directive.ManifestUrl));
        Assert.Equal(200, directive.Probation.Calls);
        var events = run.Events(id);
        Assert.Equal([CampaignStates.Running, CampaignStates.Running, CampaignStates.Running, CampaignStates.Running, CampaignStates.Running, CampaignStates.Completed], events.Select(e => e.State));
        Assert.Equal("all 4 waves done: 50 of 50 devices committed", events[^1].Reason);
        run.Hub.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Campaign_TenPercentOfDevicesFailProbation_HaltsRollsBackTheDirectedAndDirectsNoFurtherWave()
    {
        await using var run = await CampaignRun.StartAsync(mosquitto: false);
        var id = await run.CreateAsync();
        // Every tenth device in target order fails: two of them in wave 3 (devices 6-25) cross 5 % of 25.
        var order = run.Devices(id);
        await using var responder = await run.RespondAsync(failing: [.. order.Where(d => d.Position % 10 == 9).Select(d => d.DeviceId)]);

        await Eventually.UntilAsync(() => run.Campaign(id).State == CampaignStates.Halted, $"campaign {id} halted; it is {run.Campaign(id).State}: {run.Campaign(id).Reason}");
        var directed = run.Devices(id).Where(d => d.Wave is not null).ToList();
        var toRollBack = directed.Where(d => d.State != UpdateStates.Failed).Select(d => d.DeviceId).ToList();
        await Eventually.UntilAsync(() => toRollBack.All(d => responder.Last(d)?.Action == ModelDirective.Rollback), "every directed device that had not failed told to roll back");

        var campaign = run.Campaign(id);
        Assert.Empty(responder.Problems);
        Assert.Matches(@"^[2-9] of 2\d directed devices failed \(\d+\.\d%\), above --halt-failures 5%$", campaign.Reason);
        Assert.Equal(3, campaign.Wave);
        Assert.Equal(25, directed.Count);
        Assert.All(run.Devices(id).Where(d => d.Position >= 25), d =>
        {
            Assert.Null(d.Wave);
            Assert.False(responder.Received.ContainsKey(d.DeviceId), $"{d.DeviceId} of wave 4 received a directive");
        });
        Assert.All(directed.Where(d => d.State == UpdateStates.Failed && d.Reason == UpdateFailures.ProbationErrors), d =>
            Assert.Equal(ModelDirective.Install, responder.Last(d.DeviceId)!.Action));
        Assert.Equal(CampaignStates.Halted, run.Events(id)[^1].State);
        Assert.Contains(run.Hub.Logs.Entries, e => e.Id.Id == 7000 && e.Message.Contains("running -> halted", StringComparison.Ordinal));
        run.Hub.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Campaign_PausedThenResumed_DirectsNobodyNewWhilePaused()
    {
        await using var run = await CampaignRun.StartAsync(mosquitto: false);
        var id = await run.CreateAsync();
        var pause = await HubCliRunner.RunAsync("rollout", "pause", id, "--db", run.Hub.DatabasePath);
        Assert.True(pause.Code == 0, pause.Error);
        await using var responder = await run.RespondAsync();

        // Whatever wave 1 was directed before the pause finishes; then nothing more while paused.
        await Eventually.UntilAsync(() => run.Devices(id).Where(d => d.Wave is not null).All(d => d.State == UpdateStates.Committed), "the devices directed before the pause committed");
        await run.Engine.StepAsync(CancellationToken.None);
        await run.Engine.StepAsync(CancellationToken.None);
        Assert.True(run.Devices(id).Count(d => d.Wave is not null) <= 1);
        Assert.Equal(CampaignStates.Paused, run.Campaign(id).State);

        var resume = await HubCliRunner.RunAsync("rollout", "resume", id, "--db", run.Hub.DatabasePath);
        await Eventually.UntilAsync(() => run.Campaign(id).State == CampaignStates.Completed, "campaign completed after resume");
        var status = await HubCliRunner.RunAsync("rollout", "status", id, "--devices", "--db", run.Hub.DatabasePath);

        Assert.True(resume.Code == 0, resume.Error);
        Assert.Contains($"{id}\ttiny-test 1.0.0\tproduct={Product}\tcompleted\t", status.Output, StringComparison.Ordinal);
        Assert.Contains("  counts: committed 50 (of 50)", status.Output, StringComparison.Ordinal);
        Assert.Contains("\tpaused\twave ", status.Output, StringComparison.Ordinal);
        Assert.Contains("pause by ", status.Output, StringComparison.Ordinal);
        Assert.Contains("  wave 4 (100%, 50 cumulative): done, 25 device(s): 25 committed, 0 failed, 0 in progress", status.Output, StringComparison.Ordinal);
        run.Hub.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Campaign_AbortedMidway_RollbackToEveryDirectedDeviceThatDidNotFail()
    {
        await using var run = await CampaignRun.StartAsync(mosquitto: false);
        var id = await run.CreateAsync();
        await using var responder = await run.RespondAsync();
        await Eventually.UntilAsync(() => run.Campaign(id).Wave >= 2, "wave 2 directed");

        var abort = await HubCliRunner.RunAsync("rollout", "abort", id, "--db", run.Hub.DatabasePath);
        var again = await HubCliRunner.RunAsync("rollout", "resume", id, "--db", run.Hub.DatabasePath);
        Assert.True(abort.Code == 0, abort.Error);
        var directed = run.Devices(id).Where(d => d.Wave is not null).Select(d => d.DeviceId).ToList();
        await Eventually.UntilAsync(() => directed.All(d => responder.Last(d)?.Action == ModelDirective.Rollback), "rollback to every directed device");

        Assert.Equal(CampaignStates.Aborted, run.Campaign(id).State);
        Assert.Equal(1, again.Code);
        Assert.Contains($"campaign {id} is aborted; resume applies to a paused campaign", again.Error, StringComparison.Ordinal);
        Assert.Equal(directed.Count, run.Devices(id).Count(d => d.Wave is not null));
        run.Hub.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Campaign_HubRestartedAfterDirecting_DirectivesPublishedAgainAndTheCampaignCompletes()
    {
        using var dir = new EdgeAgent.TestKit.IO.TempDirectory();
        using var files = new ReleaseFiles();
        var devices = Enumerable.Range(1, 3).Select(i => new TestDevice($"RS-{i:0000}", Product)).ToList();
        var logs = new ListLoggerProvider();
        var options = new HubOptions
        {
            DatabasePath = dir.Combine("edgehub.db"), Listen = $"127.0.0.1:{HubUnderTest.FreePort()}", Http = "127.0.0.1:0",
            ClientId = "edgehub-test-restart", RolloutInterval = TimeSpan.FromMilliseconds(50),
        };
        string id;
        await using (var first = await HubHost.StartAsync(options, l => l.AddProvider(logs)))
        {
            files.Publish(options.DatabasePath);
            using (var store = EdgeAgent.Hub.Store.HubStore.Open(options.DatabasePath))
            {
                foreach (var d in devices)
                {
                    Assert.True(EdgeAgent.Hub.Devices.DeviceKeys.TryRead(d.PublicKeyPem, out var pem, out var keyId, out _));
                    store.Enroll(new EdgeAgent.Hub.Store.DeviceRow(d.DeviceId, Product, pem, keyId, 1));
                }

                id = new RolloutStore(store, TimeProvider.System).Create(new CampaignRequest(ReleaseFiles.Model, "1.0.0", new RolloutTarget(Product, null, null), [100m], 95m, 5m, new ProbationPolicy())).Campaign.Id;
            }

            await Eventually.UntilAsync(() => Rows(options.DatabasePath, id).All(d => d.DirectiveSent), "every device's install published by the first hub");
        }

        // A new embedded broker holds no retained message: only the engine's republication can reach the devices now.
        await using var second = await HubHost.StartAsync(options with { Http = "127.0.0.1:0" }, l => l.AddProvider(logs));
        await using var responder = await ModelResponder.StartAsync(second.BrokerUri, devices, files.Trust());
        await Eventually.UntilAsync(() => Campaign(options.DatabasePath, id).State == CampaignStates.Completed, "campaign completed after the restart: " + string.Join(" | ", logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => $"{e.Id.Id} {e.Message}")) + " problems: " + string.Join(";", responder.Problems));

        Assert.All(devices, d => Assert.Equal(ModelDirective.Install, responder.Last(d.DeviceId)?.Action));
        Assert.Contains(logs.Entries, e => e.Id.Id == 7005 && e.Message.Contains("3 directive(s) of unfinished campaigns will be published again", StringComparison.Ordinal));
        logs.AssertNoErrors();
        foreach (var d in devices)
        {
            d.Dispose();
        }
    }

    private static IReadOnlyList<CampaignDeviceRow> Rows(string db, string id)
    {
        using var store = EdgeAgent.Hub.Store.HubStore.Open(db);
        return new RolloutStore(store, TimeProvider.System).Devices(id);
    }

    private static CampaignRow Campaign(string db, string id)
    {
        using var store = EdgeAgent.Hub.Store.HubStore.Open(db);
        return new RolloutStore(store, TimeProvider.System).Find(id)!;
    }

    /// <summary>One hub with a published release and the fleet enrolled.</summary>
    private sealed class CampaignRun : IAsyncDisposable
    {
        private readonly List<TestDevice> _devices;

        private CampaignRun(HubUnderTest hub, ReleaseFiles files, List<TestDevice> devices)
        {
            Hub = hub;
            Files = files;
            _devices = devices;
        }

        public HubUnderTest Hub { get; }

        public ReleaseFiles Files { get; }

        public RolloutEngine Engine => (RolloutEngine)Hub.Host.Services.GetService(typeof(RolloutEngine))!;

        public static async Task<CampaignRun> StartAsync(bool mosquitto)
        {
            var hub = await HubUnderTest.StartAsync(mosquitto, o => o with { RolloutInterval = TimeSpan.FromMilliseconds(50) });
            var files = new ReleaseFiles();
            files.Publish(hub.DatabasePath);
            var devices = Enumerable.Range(1, Fleet).Select(i => new TestDevice($"SG-{i:0000}", Product)).ToList();
            foreach (var d in devices)
            {
                hub.Enroll(d);
            }

            return new CampaignRun(hub, files, devices);
        }

        public async Task<string> CreateAsync()
        {
            var (code, output, error) = await HubCliRunner.RunAsync("rollout", "create", "--model", ReleaseFiles.Model, "--version", "1.0.0", "--target", $"product={Product}",
                "--waves", "1,10,50,100", "--min-success", "95", "--halt-failures", "5", "--db", Hub.DatabasePath);
            Assert.True(code == 0, error);
            Assert.Contains("waves of 1, 5, 25, 50 device(s); 0 left out", error, StringComparison.Ordinal);
            return output.Trim();
        }

        public async Task<ModelResponder> RespondAsync(IReadOnlyList<string>? failing = null)
        {
            return await ModelResponder.StartAsync(Hub.Broker, _devices, Files.Trust(), failing);
        }

        public CampaignRow Campaign(string id)
        {
            using var store = Hub.OpenStore();
            return new RolloutStore(store, TimeProvider.System).Find(id)!;
        }

        public IReadOnlyList<CampaignDeviceRow> Devices(string id)
        {
            using var store = Hub.OpenStore();
            return new RolloutStore(store, TimeProvider.System).Devices(id);
        }

        public IReadOnlyList<CampaignEvent> Events(string id)
        {
            using var store = Hub.OpenStore();
            return new RolloutStore(store, TimeProvider.System).Events(id);
        }

        public async ValueTask DisposeAsync()
        {
            await Hub.DisposeAsync();
            Files.Dispose();
            foreach (var d in _devices)
            {
                d.Dispose();
            }
        }
    }
}
