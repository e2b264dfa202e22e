using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using static EdgeAgent.Core.Updates.UpdateState;

namespace EdgeAgent.Core.Tests.Updates;

/// <summary>
/// The fault matrix: for each state, the process dies right after persisting it (the coordinator is abandoned and a new
/// one started from the journal), and a failure is injected in it. Each case asserts the exact chain of states, the
/// records written (each transition exactly once) and the model in service afterwards.
/// </summary>
public sealed class UpdateFaultMatrixTests
{
    private static readonly UpdateState[] Success = [Idle, Downloading, Verifying, Staging, Activating, Probation, Committed];
    private static readonly UpdateState[] RolledBack = [Idle, Downloading, Verifying, Staging, Activating, Probation, RollingBack, Failed];

    public static TheoryData<UpdateState, bool> Crashes() => new()
    {
        // state the process dies in, whether the candidate misbehaves in probation
        { Downloading, false },
        { Verifying, false },
        { Staging, false },
        { Activating, false },
        { Probation, false },
        { Committed, false },
        { RollingBack, true },
        { Failed, true },
    };

    [Theory]
    [MemberData(nameof(Crashes))]
    public async Task Run_CrashAfterPersisting_ResumesToTheSameEnd(UpdateState crashIn, bool erring)
    {
        await using var rig = new UpdateRig();
        if (erring)
        {
            rig.Erring();
        }

        var directive = rig.Directive();
        rig.Serve(directive);
        rig.Store.CrashAfter = crashIn;
        var first = await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => first);
        Assert.Equal(crashIn, rig.Store.Load().State);
        // What a start in that state loads: never none, the old version until the swap was persisted.
        var servingAtCrash = rig.Store.Load().ServingRelease(UpdateRig.Model)?.Sha256 ?? UpdateRig.CatalogSha;
        Assert.Equal(crashIn is Probation or Committed ? rig.Manifest.Sha256 : UpdateRig.CatalogSha, servingAtCrash);

        await rig.StartAsync();
        var journal = await rig.AtRestAsync();

        var expected = erring ? RolledBack : Success;
        Assert.Equal(expected, journal.Visited);
        Assert.Equal(expected.Skip(1).Select(UpdateStateMachine.Name), rig.Evidence.States);
        var serving = erring ? UpdateRig.CatalogSha : rig.Manifest.Sha256;
        Assert.Equal(serving, rig.Host.Current.Sha256);
        Assert.Equal(serving, journal.ServingRelease(UpdateRig.Model)?.Sha256 ?? UpdateRig.CatalogSha);
        if (erring)
        {
            var last = rig.Evidence.Updates[^1];
            Assert.Equal(UpdateFailures.ProbationErrors, last.GetProperty("reason").GetString());
            Assert.True(last.GetProperty("rolled_back").GetBoolean());
        }
        else
        {
            Assert.True(File.Exists(Path.Combine(rig.ReleasesDirectory, UpdateRig.Model, rig.Manifest.Sha256 + ".onnx")));
        }
    }

    public static TheoryData<UpdateState, string> Failures() => new()
    {
        { Downloading, UpdateFailures.Download },
        { Verifying, UpdateFailures.HashMismatch },
        { Staging, UpdateFailures.SelfTest },
        { Activating, UpdateFailures.Activation },
        { Probation, UpdateFailures.ProbationErrors },
        { RollingBack, UpdateFailures.ProbationLatency },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Run_FailureInjected_EndsFailedWithTheOldModelServing(UpdateState failIn, string reason)
    {
        await using var rig = new UpdateRig();
        var directive = rig.Directive();
        rig.Serve(directive, failIn == Verifying ? [.. rig.Artifact.Reverse()] : null);
        switch (failIn)
        {
            case Downloading:
                rig.Downloader.FailReason = UpdateFailures.Download;
                break;
            case Staging:
                rig.Host.FailStage = true;
                break;
            case Activating:
                rig.Host.FailActivate = true;
                break;
            case Probation:
                rig.Erring();
                break;
            case RollingBack:
                // Probation fails on latency, then the first attempt to restore fails: the supervisor's next run finishes it.
                rig.Slow();
                rig.Host.FailRestores = 1;
                break;
        }

        var run = await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        if (failIn == RollingBack)
        {
            await Assert.ThrowsAsync<IOException>(() => run);
            Assert.Equal(RollingBack, rig.Store.Load().State);
            await rig.StartAsync(newProcess: false);
        }

        var journal = await rig.AtRestAsync();

        UpdateState[] expected = failIn switch
        {
            Downloading => [Idle, Downloading, Failed],
            Verifying => [Idle, Downloading, Verifying, Failed],
            Staging => [Idle, Downloading, Verifying, Staging, Failed],
            Activating => [Idle, Downloading, Verifying, Staging, Activating, RollingBack, Failed],
            _ => RolledBack,
        };
        Assert.Equal(expected, journal.Visited);
        Assert.Equal(expected.Skip(1).Select(UpdateStateMachine.Name), rig.Evidence.States);
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
        Assert.Null(journal.ServingRelease(UpdateRig.Model));
        var last = rig.Evidence.Updates[^1];
        Assert.Equal(reason, last.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(last.GetProperty("detail").GetString()));
        Assert.Equal(expected.Contains(RollingBack), last.GetProperty("rolled_back").GetBoolean());
        Assert.Equal("c-1", last.GetProperty("campaign").GetString());
        Assert.Equal("2.0.0", last.GetProperty("version").GetString());
        var activated = expected.Contains(Probation);
        Assert.Equal(activated ? [("update", rig.Manifest.Sha256), ("rollback", UpdateRig.CatalogSha)] : [], rig.Evidence.Changes);
        if (!activated)
        {
            // A refused or failed candidate leaves nothing behind.
            Assert.False(File.Exists(Path.Combine(rig.ReleasesDirectory, UpdateRig.Model, rig.Manifest.Sha256 + ".onnx")));
        }
    }

    [Fact]
    public async Task Run_StartsInsideProbationReachTheBootLimit_RollsBackWithBootLoop()
    {
        await using var rig = new UpdateRig();
        var directive = rig.Directive();
        rig.Serve(directive);
        rig.Store.CrashAfter = Probation;
        var first = await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => first);

        // Two starts die before the coordinator ran (the new model takes the process down); each is counted.
        Assert.Equal(1, (await UpdateCoordinator.PrepareStartAsync(rig.Store, 3, CancellationToken.None)).Boots);
        Assert.Equal(rig.Manifest.Sha256, rig.Store.Load().ServingRelease(UpdateRig.Model)!.Sha256);
        Assert.Equal(2, (await UpdateCoordinator.PrepareStartAsync(rig.Store, 3, CancellationToken.None)).Boots);

        // The third start loads the previous version at once and the coordinator records the rollback.
        await rig.StartAsync();
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
        var journal = await rig.AtRestAsync();

        Assert.Equal(RolledBack, journal.Visited);
        Assert.Equal(3, journal.Boots);
        var rollingBack = rig.Evidence.Updates.Single(u => u.GetProperty("state").GetString() == UpdateStates.RollingBack);
        Assert.Equal(UpdateFailures.BootLoop, rollingBack.GetProperty("reason").GetString());
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
    }
}
