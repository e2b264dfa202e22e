using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Rollouts;

namespace EdgeAgent.Hub.Tests.Rollouts;

/// <summary>The campaign engine's decision as a table: waves, gates, the halt threshold and its edges, pause, resume and abort.</summary>
public sealed class RolloutDecisionTests
{
    private static readonly decimal[] Waves = [1, 10, 50, 100];

    [Theory]
    [InlineData(3, "1,1,2,3")]
    [InlineData(50, "1,5,25,50")]
    [InlineData(100, "1,10,50,100")]
    [InlineData(1, "1,1,1,1")]
    [InlineData(7, "1,1,4,7")]
    public void CumulativeSizes_Waves1_10_50_100_CeilOfTheShareAtLeastOne(int devices, string expected)
    {
        Assert.Equal(expected, string.Join(',', RolloutPlan.CumulativeSizes(Waves, devices)));
    }

    [Theory]
    [InlineData(1, 20, 5, false)]   // exactly 5 %: not above
    [InlineData(2, 20, 5, true)]    // 10 %
    [InlineData(1, 19, 5, true)]    // 5.26 %
    [InlineData(0, 0, 5, false)]    // nobody directed
    [InlineData(0, 10, 0, false)]   // --halt-failures 0: no failure, go on
    [InlineData(1, 100, 0, true)]   // --halt-failures 0: any failure halts
    [InlineData(5, 5, 100, false)]  // --halt-failures 100: never
    public void CrossesHalt_FailedOfDirected_OnlyAboveTheThreshold(int failed, int directed, int halt, bool expected)
    {
        Assert.Equal(expected, RolloutPlan.CrossesHalt(failed, directed, halt));
    }

    [Theory]
    [InlineData(19, 20, 95, true)]  // exactly 95 %
    [InlineData(18, 20, 95, false)]
    [InlineData(0, 0, 95, true)]    // an empty wave passes
    [InlineData(1, 1, 100, true)]
    public void PassesGate_CommittedOfWave_AtLeastMinSuccess(int committed, int wave, int min, bool expected)
    {
        Assert.Equal(expected, RolloutPlan.PassesGate(committed, wave, min));
    }

    [Theory]
    [InlineData("1,10,50,100", null)]
    [InlineData("100", null)]
    [InlineData("0.5,100", null)]
    [InlineData("1,10,50", "the last wave must be 100")]
    [InlineData("10,5,100", "must increase strictly")]
    [InlineData("0,100", "is not a percentage in (0, 100]")]
    [InlineData("1,x,100", "'x' is not a percentage")]
    public void ParseWaves_Text_AcceptedOrRefusedWithReason(string text, string? problem)
    {
        var waves = RolloutPlan.ParseWaves(text, out var why);
        Assert.Equal(problem is null, waves is not null);
        if (problem is not null)
        {
            Assert.Contains(problem, why, StringComparison.Ordinal);
        }
    }

    private static readonly Dictionary<string, (CampaignSnapshot Campaign, RolloutActions Expected)> Cases = new CaseList
    {
        {
            "new campaign over 50: wave 1 is the first device in target order",
            Snapshot(CampaignStates.Running, 0, 50),
            new(null, 1, null, ["d00"], [])
        },
        {
            "wave 1 still in probation: wait",
            Snapshot(CampaignStates.Running, 1, 50, (1, UpdateStates.Probation)),
            RolloutActions.None
        },
        {
            "wave 1 directed, nothing reported yet: wait",
            Snapshot(CampaignStates.Running, 1, 50, (1, null)),
            RolloutActions.None
        },
        {
            "wave 1 committed: wave 2 directs 4 more (5 of 50)",
            Snapshot(CampaignStates.Running, 1, 50, (1, UpdateStates.Committed)),
            new(null, 2, null, ["d01", "d02", "d03", "d04"], [])
        },
        {
            "wave 2 with one device still verifying: wait",
            Snapshot(CampaignStates.Running, 2, 50, Of(1, 1, UpdateStates.Committed), Of(2, 3, UpdateStates.Committed), Of(2, 1, UpdateStates.Verifying)),
            RolloutActions.None
        },
        {
            "wave 3 finished 19 of 20 committed (95 %), 1 failed of 25 directed (4 %): wave 4",
            Snapshot(CampaignStates.Running, 3, 50, Of(1, 1, UpdateStates.Committed), Of(2, 4, UpdateStates.Committed), Of(3, 19, UpdateStates.Committed), Of(3, 1, UpdateStates.Failed)),
            new(null, 4, null, [.. Enumerable.Range(25, 25).Select(Id)], [])
        },
        {
            "2 failed of 25 directed (8 % > 5 %): halt, roll back the 23 that did not fail",
            Snapshot(CampaignStates.Running, 3, 50, Of(1, 1, UpdateStates.Committed), Of(2, 4, UpdateStates.Committed), Of(3, 18, UpdateStates.Committed), Of(3, 2, UpdateStates.Failed)),
            new(CampaignStates.Halted, null, null, [], [.. Enumerable.Range(0, 23).Select(Id)])
        },
        {
            "halt counts failures while a wave is in progress: 2 failed of 25 with others still downloading",
            Snapshot(CampaignStates.Running, 3, 50, Of(1, 1, UpdateStates.Committed), Of(2, 4, UpdateStates.Committed), Of(3, 2, UpdateStates.Failed), Of(3, 18, UpdateStates.Downloading)),
            new(CampaignStates.Halted, null, null, [], [.. Enumerable.Range(0, 5).Concat(Enumerable.Range(7, 18)).Select(Id)])
        },
        {
            "exactly at the threshold (1 failed of 20 directed, 5 %): no halt; 19 of 20 committed (95 %) completes",
            Snapshot(CampaignStates.Running, 1, 20, Of(1, 19, UpdateStates.Committed), Of(1, 1, UpdateStates.Failed)) with { Waves = [100m] },
            new(CampaignStates.Completed, null, null, [], [])
        },
        {
            "just above it (1 failed of 19 directed, 5.3 %): halt",
            Snapshot(CampaignStates.Running, 1, 19, Of(1, 18, UpdateStates.Committed), Of(1, 1, UpdateStates.Failed)) with { Waves = [100m] },
            new(CampaignStates.Halted, null, null, [], [.. Enumerable.Range(0, 18).Select(Id)])
        },
        {
            "last wave finished all committed: completed",
            Snapshot(CampaignStates.Running, 4, 3, Of(1, 1, UpdateStates.Committed), Of(3, 1, UpdateStates.Committed), Of(4, 1, UpdateStates.Committed)),
            new(CampaignStates.Completed, null, null, [], [])
        },
        {
            "over 3 devices wave 2 adds nobody: it passes at once to wave 3",
            Snapshot(CampaignStates.Running, 2, 3, Of(1, 1, UpdateStates.Committed)),
            new(null, 3, null, ["d01"], [])
        },
        {
            "wave 2 finished 3 of 4 committed (75 % < 95 %) without crossing halt 50 %: halt, it cannot advance",
            Snapshot(CampaignStates.Running, 2, 50, Of(1, 1, UpdateStates.Committed), Of(2, 3, UpdateStates.Committed), Of(2, 1, UpdateStates.Failed)) with { HaltFailures = 50m },
            new(CampaignStates.Halted, null, null, [], ["d00", "d01", "d02", "d03"])
        },
        {
            "paused with wave 1 committed: nobody new",
            Snapshot(CampaignStates.Paused, 1, 50, (1, UpdateStates.Committed)),
            RolloutActions.None
        },
        {
            "paused still halts when failures cross the threshold",
            Snapshot(CampaignStates.Paused, 2, 50, Of(1, 1, UpdateStates.Committed), Of(2, 2, UpdateStates.Failed), Of(2, 2, UpdateStates.Probation)),
            new(CampaignStates.Halted, null, null, [], ["d00", "d03", "d04"])
        },
        {
            "resumed (running again) after pause: wave 2",
            Snapshot(CampaignStates.Running, 1, 50, (1, UpdateStates.Committed)),
            new(null, 2, null, ["d01", "d02", "d03", "d04"], [])
        },
        {
            "aborted: every directed device that has not failed rolls back, the undirected ones are left alone",
            Snapshot(CampaignStates.Aborted, 2, 50, Of(1, 1, UpdateStates.Committed), Of(2, 1, UpdateStates.Failed), Of(2, 2, UpdateStates.Downloading), Of(2, 1, null)),
            new(null, null, null, [], ["d00", "d02", "d03", "d04"])
        },
        {
            "halted with every rollback already directed: nothing",
            Snapshot(CampaignStates.Halted, 2, 50) with { Devices = [new("d00", 0, 1, ModelDirective.Rollback, UpdateStates.Committed), new("d01", 1, 2, ModelDirective.Install, UpdateStates.Failed)] },
            RolloutActions.None
        },
        {
            "completed: nothing",
            Snapshot(CampaignStates.Completed, 4, 3, Of(1, 1, UpdateStates.Committed), Of(3, 1, UpdateStates.Committed), Of(4, 1, UpdateStates.Committed)),
            RolloutActions.None
        },
    }.ToDictionary(c => c.Item1, c => (c.Item2, c.Item3), StringComparer.Ordinal);

    public static TheoryData<string> Table() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Table))]
    public void Decide_Table_ExpectedActions(string scenario)
    {
        var (campaign, expected) = Cases[scenario];
        var actions = RolloutDecision.Decide(campaign);

        Assert.True(expected.NewState == actions.NewState, $"{scenario}: state {actions.NewState ?? "unchanged"} ({actions.Reason}), expected {expected.NewState ?? "unchanged"}");
        Assert.True(expected.NewWave == actions.NewWave, $"{scenario}: wave {actions.NewWave?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unchanged"}, expected {expected.NewWave}");
        Assert.True(expected.Install.SequenceEqual(actions.Install), $"{scenario}: install {string.Join(",", actions.Install)}, expected {string.Join(",", expected.Install)}");
        Assert.True(expected.Rollback.SequenceEqual(actions.Rollback), $"{scenario}: rollback {string.Join(",", actions.Rollback)}, expected {string.Join(",", expected.Rollback)}");
    }

    [Fact]
    public void Decide_HaltReason_NamesTheCountsAndTheThreshold()
    {
        var actions = RolloutDecision.Decide(Snapshot(CampaignStates.Running, 2, 50, Of(1, 1, UpdateStates.Committed), Of(2, 1, UpdateStates.Failed)));
        Assert.Equal("1 of 2 directed devices failed (50.0%), above --halt-failures 5%", actions.Reason);
    }

    [Fact]
    public void Decide_WaveByWaveOver50AllCommitting_FourWavesThenCompleted()
    {
        var devices = Enumerable.Range(0, 50).Select(i => new DeviceOutcome(Id(i), i, null, null, null)).ToList();
        var state = CampaignStates.Running;
        var wave = 0;
        var directedPerWave = new List<int>();
        for (var step = 0; step < 20 && state == CampaignStates.Running; step++)
        {
            var actions = RolloutDecision.Decide(new CampaignSnapshot(state, wave, Waves, 95, 5, devices));
            state = actions.NewState ?? state;
            wave = actions.NewWave ?? wave;
            if (actions.NewWave is not null)
            {
                directedPerWave.Add(actions.Install.Count);
            }

            devices = [.. devices.Select(d => actions.Install.Contains(d.DeviceId) ? d with { Wave = wave, Directive = ModelDirective.Install, State = UpdateStates.Committed } : d)];
        }

        Assert.Equal(CampaignStates.Completed, state);
        Assert.Equal([1, 4, 20, 25], directedPerWave);
    }

    private static string Id(int i) => $"d{i:00}";

    /// <summary>count devices directed in wave with the given reported state.</summary>
    private static (int Wave, int Count, string? State) Of(int wave, int count, string? state) => (wave, count, state);

    private static CampaignSnapshot Snapshot(string state, int wave, int devices, params (int Wave, int Count, string? State)[] groups) =>
        new(state, wave, Waves, 95, 5, [.. Devices(devices, groups)]);

    private static CampaignSnapshot Snapshot(string state, int wave, int devices, (int Wave, string? State) one) => Snapshot(state, wave, devices, Of(one.Wave, 1, one.State));

    /// <summary>n devices in target order; the first ones directed as the groups say, in order, the rest not yet.</summary>
    private static IEnumerable<DeviceOutcome> Devices(int n, params (int Wave, int Count, string? State)[] groups)
    {
        var i = 0;
        foreach (var (w, count, s) in groups)
        {
            for (var k = 0; k < count; k++, i++)
            {
                yield return new DeviceOutcome(Id(i), i, w == 0 ? null : w, w == 0 ? null : ModelDirective.Install, s);
            }
        }

        for (; i < n; i++)
        {
            yield return new DeviceOutcome(Id(i), i, null, null, null);
        }
    }

    private sealed class CaseList : List<(string, CampaignSnapshot, RolloutActions)>
    {
        public void Add(string scenario, CampaignSnapshot campaign, RolloutActions expected) => Add((scenario, campaign, expected));
    }
}
