using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.TestKit.Releases;
using static EdgeAgent.Core.Updates.UpdateState;

namespace EdgeAgent.Core.Tests.Updates;

public sealed class UpdateDirectiveTests
{
    [Fact]
    public async Task Offer_RetainedDirectiveDeliveredAgainAfterRestart_IsNotActedOnTwice()
    {
        await using var rig = new UpdateRig();
        var directive = rig.Directive();
        rig.Serve(directive);
        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await rig.AtRestAsync();
        var records = rig.Evidence.Updates.Count;
        var downloads = rig.Downloader.Requests.Count;

        // The broker delivers the retained directive again at the next connect, in this run and after a restart.
        rig.Coordinator.Offer(directive);
        await rig.StartAsync();
        rig.Coordinator.Offer(directive);
        var after = rig.Store.Saves;
        rig.Coordinator.Offer(TestReleases.Rollback(directive) with { Campaign = "other" });
        await rig.Store.WaitForAsync(j => j.Handled.Contains("other/rollback"));

        Assert.Equal(records, rig.Evidence.Updates.Count);
        Assert.Equal(downloads, rig.Downloader.Requests.Count);
        Assert.Equal(after + 1, rig.Store.Saves); // only the unrelated rollback was persisted (as handled)
        Assert.Equal(Committed, rig.Store.Load().State);
        Assert.Equal(rig.Manifest.Sha256, rig.Host.Current.Sha256);
    }

    [Fact]
    public async Task Offer_RollbackDuringProbation_RollsBackAtOnce()
    {
        await using var rig = new UpdateRig();
        rig.Host.Script[rig.Manifest.Sha256] = [];
        var directive = rig.Directive(UpdateRig.Policy with { Calls = 1000 });
        rig.Serve(directive);
        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await rig.Store.WaitForAsync(j => j.State == Probation && j.Reported == j.Steps.Count);
        Assert.Equal(rig.Manifest.Sha256, rig.Host.Current.Sha256);

        rig.Coordinator.Offer(TestReleases.Rollback(directive));
        var journal = await rig.AtRestAsync();

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, RollingBack, Failed], journal.Visited);
        Assert.Equal(UpdateFailures.Ordered, rig.Evidence.Updates[^1].GetProperty("reason").GetString());
        Assert.True(rig.Evidence.Updates[^1].GetProperty("rolled_back").GetBoolean());
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
    }

    [Fact]
    public async Task Offer_RollbackAfterCommit_ReturnsToLastKnownGood()
    {
        await using var rig = new UpdateRig();
        var directive = rig.Directive();
        rig.Serve(directive);
        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await rig.AtRestAsync();

        rig.Coordinator.Offer(TestReleases.Rollback(directive));
        var journal = await rig.Store.WaitForAsync(j => j.State == Failed && j.Reported == j.Steps.Count);

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, Committed, RollingBack, Failed], journal.Visited);
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
        Assert.Equal([("update", rig.Manifest.Sha256), ("rollback", UpdateRig.CatalogSha)], rig.Evidence.Changes);
    }

    [Fact]
    public async Task Probation_FewCallsUntilMaxSeconds_JudgedOnWhatItDid()
    {
        await using var rig = new UpdateRig();
        rig.Host.Script[rig.Manifest.Sha256] = [(2.0, false, 0.5), (2.0, false, 0.5)];
        var directive = rig.Directive(UpdateRig.Policy with { Calls = 1000, MaxSeconds = 60 });
        rig.Serve(directive);
        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await rig.Store.WaitForAsync(j => j.State == Probation && j.Reported == j.Steps.Count);
        var rest = rig.AtRestAsync();
        // The window's timer runs on the fake clock. Advance it until the coordinator is at rest, giving its thread a
        // moment each step: the timer may be armed only after some advances (on a loaded machine, after all of them).
        var patience = System.Diagnostics.Stopwatch.StartNew();
        while (!rest.IsCompleted && patience.Elapsed < TimeSpan.FromSeconds(30))
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(rest, Task.Delay(5));
        }

        var journal = await rest;
        Assert.Equal(Committed, journal.State);
        var committed = rig.Evidence.Updates[^1];
        Assert.Equal(2, committed.GetProperty("calls").GetInt64());
        Assert.Equal(0, committed.GetProperty("error_rate").GetDouble());
    }

    [Theory]
    [InlineData("slower", UpdateFailures.ProbationLatency)]
    [InlineData("erring", UpdateFailures.ProbationErrors)]
    [InlineData("drifting", UpdateFailures.ProbationDrift)]
    public async Task Probation_WorseCandidate_RolledBackAndReported(string how, string reason)
    {
        await using var rig = new UpdateRig();
        switch (how)
        {
            case "slower":
                rig.Slow();
                break;
            case "erring":
                rig.Erring();
                break;
            default:
                rig.Drifting();
                break;
        }

        var directive = rig.Directive();
        rig.Serve(directive);
        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync();

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, RollingBack, Failed], journal.Visited);
        var failed = rig.Evidence.Updates[^1];
        Assert.Equal(reason, failed.GetProperty("reason").GetString());
        Assert.True(failed.GetProperty("rolled_back").GetBoolean());
        Assert.Equal(10, failed.GetProperty("calls").GetInt64());
        Assert.True(failed.GetProperty("baseline_p95_ms").GetDouble() > 0);
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
        // The rolled-back release stays on disk (it may be asked for again); the old version serves.
        Assert.Equal([("update", rig.Manifest.Sha256), ("rollback", UpdateRig.CatalogSha)], rig.Evidence.Changes);
    }
}
