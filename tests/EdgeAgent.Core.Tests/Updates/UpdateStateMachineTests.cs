using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Core.Tests.Updates;

public sealed class UpdateStateMachineTests
{
    /// <summary>The table as the specification states it; the code's table must be exactly this.</summary>
    private static readonly (UpdateState From, UpdateEvent Event, UpdateState To)[] Spec =
    [
        (UpdateState.Idle, UpdateEvent.Install, UpdateState.Downloading),
        (UpdateState.Committed, UpdateEvent.Install, UpdateState.Downloading),
        (UpdateState.Failed, UpdateEvent.Install, UpdateState.Downloading),
        (UpdateState.Downloading, UpdateEvent.Downloaded, UpdateState.Verifying),
        (UpdateState.Downloading, UpdateEvent.Failed, UpdateState.Failed),
        (UpdateState.Downloading, UpdateEvent.RollbackOrdered, UpdateState.Failed),
        (UpdateState.Verifying, UpdateEvent.Verified, UpdateState.Staging),
        (UpdateState.Verifying, UpdateEvent.Failed, UpdateState.Failed),
        (UpdateState.Verifying, UpdateEvent.RollbackOrdered, UpdateState.Failed),
        (UpdateState.Staging, UpdateEvent.Staged, UpdateState.Activating),
        (UpdateState.Staging, UpdateEvent.Failed, UpdateState.Failed),
        (UpdateState.Staging, UpdateEvent.RollbackOrdered, UpdateState.Failed),
        (UpdateState.Activating, UpdateEvent.Activated, UpdateState.Probation),
        (UpdateState.Activating, UpdateEvent.Failed, UpdateState.RollingBack),
        (UpdateState.Activating, UpdateEvent.BootLoop, UpdateState.RollingBack),
        (UpdateState.Activating, UpdateEvent.RollbackOrdered, UpdateState.RollingBack),
        (UpdateState.Probation, UpdateEvent.Passed, UpdateState.Committed),
        (UpdateState.Probation, UpdateEvent.Failed, UpdateState.RollingBack),
        (UpdateState.Probation, UpdateEvent.BootLoop, UpdateState.RollingBack),
        (UpdateState.Probation, UpdateEvent.RollbackOrdered, UpdateState.RollingBack),
        (UpdateState.Committed, UpdateEvent.RollbackOrdered, UpdateState.RollingBack),
        (UpdateState.RollingBack, UpdateEvent.RolledBack, UpdateState.Failed),
    ];

    public static TheoryData<UpdateState, UpdateEvent> AllPairs()
    {
        var data = new TheoryData<UpdateState, UpdateEvent>();
        foreach (var s in Enum.GetValues<UpdateState>())
        {
            foreach (var e in Enum.GetValues<UpdateEvent>())
            {
                data.Add(s, e);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Next_EveryPair_FollowsTheSpecOrThrows(UpdateState state, UpdateEvent updateEvent)
    {
        var spec = Spec.Where(t => t.From == state && t.Event == updateEvent).ToList();
        if (spec is [var legal])
        {
            Assert.Equal(legal.To, UpdateStateMachine.Next(state, updateEvent));
        }
        else
        {
            var e = Assert.Throws<InvalidUpdateTransitionException>(() => UpdateStateMachine.Next(state, updateEvent));
            Assert.Contains(UpdateStateMachine.Name(state), e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Transitions_Table_IsExactlyTheSpec()
    {
        Assert.Equal(Spec.OrderBy(t => (t.From, t.Event)), UpdateStateMachine.Transitions.OrderBy(t => (t.From, t.Event)));
    }

    [Fact]
    public void Name_EveryState_IsTheContractSpelling()
    {
        Assert.Equal(UpdateStates.All, Enum.GetValues<UpdateState>().Select(UpdateStateMachine.Name));
    }

    [Fact]
    public void Transitions_BeforeActivation_NeverPassThroughRollingBack()
    {
        foreach (var s in new[] { UpdateState.Downloading, UpdateState.Verifying, UpdateState.Staging })
        {
            Assert.Equal(UpdateState.Failed, UpdateStateMachine.Next(s, UpdateEvent.Failed));
        }
    }
}
