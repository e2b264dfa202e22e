using System.Globalization;
using System.Text.Json;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.EndToEnd.Tests.Rollouts;

/// <summary>
/// Power loss in the middle of an update, with the shipped <c>edgeagent</c> process killed by SIGKILL: the agent that
/// starts again resumes from its persisted state (a download from its partial file, probation with a new window), or,
/// after too many starts inside probation, rolls back by itself. The hub's records say which states were visited.
/// </summary>
[Collection(nameof(EndToEnd))]
public sealed class UpdateCrashTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string[] Full =
        [UpdateStates.Downloading, UpdateStates.Verifying, UpdateStates.Staging, UpdateStates.Activating, UpdateStates.Probation, UpdateStates.Committed];

    [Fact]
    public async Task Update_KilledWhileDownloading_ResumesFromThePartialFileAndCommits()
    {
        await using var site = await RolloutSite.CreateAsync(1);
        var device = site.Devices[0];
        await site.StartHubAsync();
        // 300 kB/s: the 2.3 MB download takes about 8 s, so the kill lands inside it.
        var agent = await site.StartAgentAsync(device, "Updates:Download:BandwidthLimit=300000");
        var id = await site.CreateRolloutAsync("--waves", "100", "--probation-calls", "20", "--latency-tolerance", "100");

        var status = await site.WaitForStatusAsync(device, agent, s => Downloaded(s) > 600_000, Patience, "downloaded 600 kB");
        await agent.KillAsync();
        await agent.DisposeAsync();
        var killedAt = Downloaded(status);

        await using var again = await site.StartAgentAsync(device);
        Assert.Equal("completed", await site.WaitForCampaignAsync(id, Patience, "completed", "halted"));

        Assert.Equal(Full, await site.UpdateStatesAsync(device, id));
        var resumed = again.Lines.Single(l => l.Contains("bytes already on disk", StringComparison.Ordinal));
        var have = long.Parse(resumed.Split(": ")[^1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(have, killedAt, 2_400_000); // at least what the status had shown before the kill
        Assert.Equal(site.NewSha256, await InServiceAsync(site, device));
    }

    [Fact]
    public async Task Update_KilledInProbation_NewVersionServesAtRestartAndProbationRunsAgainToCommit()
    {
        await using var site = await RolloutSite.CreateAsync(1);
        var device = site.Devices[0];
        await site.StartHubAsync();
        var agent = await site.StartAgentAsync(device);
        // A window of 6 s (more calls than the pipeline makes in it): long enough to kill the agent inside it.
        var id = await site.CreateRolloutAsync("--waves", "100", "--probation-calls", "100000", "--probation-seconds", "6", "--latency-tolerance", "100");

        await site.WaitForStatusAsync(device, agent, s => s.GetProperty("update_state").GetString() == UpdateStates.Probation, Patience, "entered probation");
        await agent.KillAsync();
        await agent.DisposeAsync();

        await using var again = await site.StartAgentAsync(device);
        Assert.Equal("completed", await site.WaitForCampaignAsync(id, Patience, "completed", "halted"));

        Assert.Equal(Full, await site.UpdateStatesAsync(device, id));
        var committed = (await site.RecordsAsync(device)).Last(r => r.Type == "model.update").Data;
        Assert.Equal(1, committed.GetProperty("boots").GetInt32()); // one start inside probation
        Assert.Equal(site.NewSha256, await InServiceAsync(site, device));
    }

    [Fact]
    public async Task Update_KilledInProbationAtEveryStart_RollsBackByItselfAsABootLoop()
    {
        await using var site = await RolloutSite.CreateAsync(1);
        var device = site.Devices[0];
        await site.StartHubAsync();
        string[] limit = ["Updates:BootLimit=2"];
        var agent = await site.StartAgentAsync(device, limit);
        var id = await site.CreateRolloutAsync("--waves", "100", "--probation-calls", "100000", "--probation-seconds", "60", "--latency-tolerance", "100");

        // Killed in probation, started again (probation again), killed again: the second start inside probation is the limit.
        for (var kill = 1; kill <= 2; kill++)
        {
            await site.WaitForStatusAsync(device, agent, s => s.GetProperty("update_state").GetString() == UpdateStates.Probation, Patience, "entered probation");
            await agent.KillAsync();
            await agent.DisposeAsync();
            agent = await site.StartAgentAsync(device, limit);
        }

        await using (agent)
        {
            Assert.Equal("halted", await site.WaitForCampaignAsync(id, Patience, "completed", "halted"));
            var states = await site.UpdateStatesAsync(device, id);
            Assert.Equal([.. Full[..^1], UpdateStates.RollingBack, UpdateStates.Failed], states);
            var failed = (await site.RecordsAsync(device)).Last(r => r.Type == "model.update").Data;
            Assert.Equal(UpdateFailures.BootLoop, failed.GetProperty("reason").GetString());
            Assert.True(failed.GetProperty("rolled_back").GetBoolean());
            Assert.Equal(RolloutSite.OldSha256, await InServiceAsync(site, device));
        }
    }

    private static long Downloaded(JsonElement status) =>
        status.TryGetProperty("update_download", out var d) && d.ValueKind == JsonValueKind.String
            ? long.Parse(d.GetString()!.Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>The silero-vad build the device last reported in service (its latest model.changed record).</summary>
    private static async Task<string?> InServiceAsync(RolloutSite site, string device) =>
        (await site.RecordsAsync(device)).Last(r => r.Type == "model.changed").Data.GetProperty("models").GetProperty(RolloutSite.Model).GetString();
}
