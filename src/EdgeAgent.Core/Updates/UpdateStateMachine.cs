using System.Collections.Frozen;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Core.Updates;

/// <summary>The states of one model update (see <see cref="UpdateStateMachine"/> for the table and UPDATES.md for recovery).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateState>))]
public enum UpdateState
{
    Idle,
    Downloading,
    Verifying,
    Staging,
    Activating,
    Probation,
    Committed,
    RollingBack,
    Failed,
}

/// <summary>What happens to an update: a step finished, failed, or the hub ordered a rollback.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateEvent>))]
public enum UpdateEvent
{
    /// <summary>An install directive was accepted.</summary>
    Install,
    Downloaded,
    Verified,
    Staged,
    Activated,

    /// <summary>Every probation gate passed.</summary>
    Passed,

    /// <summary>The step of the current state failed (a refusal, a download, a self-test, a gate).</summary>
    Failed,

    /// <summary>The agent started too often inside Activating/Probation.</summary>
    BootLoop,

    /// <summary>The campaign's rollback directive arrived.</summary>
    RollbackOrdered,

    /// <summary>The previous version serves again.</summary>
    RolledBack,
}

/// <summary>An event that the current state does not take: a bug, never a runtime condition to swallow.</summary>
public sealed class InvalidUpdateTransitionException : InvalidOperationException
{
    public InvalidUpdateTransitionException(UpdateState state, UpdateEvent updateEvent)
        : base($"update state {UpdateStateMachine.Name(state)} does not take event {updateEvent}; allowed: {string.Join(", ", UpdateStateMachine.EventsOf(state))}")
    {
        State = state;
        Event = updateEvent;
    }

    public InvalidUpdateTransitionException()
    {
    }

    public InvalidUpdateTransitionException(string message)
        : base(message)
    {
    }

    public InvalidUpdateTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UpdateState State { get; }

    public UpdateEvent Event { get; }
}

/// <summary>
/// The update state machine as one explicit table (state × event → state). Idle, Committed and Failed are at rest (a
/// new install may start from each); every other state is an update in progress. Before activation a failure ends in
/// Failed directly (the old version never stopped serving); from Activating on it goes through RollingBack.
/// </summary>
public static class UpdateStateMachine
{
    private static readonly FrozenDictionary<(UpdateState, UpdateEvent), UpdateState> Table = new Dictionary<(UpdateState, UpdateEvent), UpdateState>
    {
        [(UpdateState.Idle, UpdateEvent.Install)] = UpdateState.Downloading,
        [(UpdateState.Committed, UpdateEvent.Install)] = UpdateState.Downloading,
        [(UpdateState.Failed, UpdateEvent.Install)] = UpdateState.Downloading,

        [(UpdateState.Downloading, UpdateEvent.Downloaded)] = UpdateState.Verifying,
        [(UpdateState.Downloading, UpdateEvent.Failed)] = UpdateState.Failed,
        [(UpdateState.Downloading, UpdateEvent.RollbackOrdered)] = UpdateState.Failed,

        [(UpdateState.Verifying, UpdateEvent.Verified)] = UpdateState.Staging,
        [(UpdateState.Verifying, UpdateEvent.Failed)] = UpdateState.Failed,
        [(UpdateState.Verifying, UpdateEvent.RollbackOrdered)] = UpdateState.Failed,

        [(UpdateState.Staging, UpdateEvent.Staged)] = UpdateState.Activating,
        [(UpdateState.Staging, UpdateEvent.Failed)] = UpdateState.Failed,
        [(UpdateState.Staging, UpdateEvent.RollbackOrdered)] = UpdateState.Failed,

        [(UpdateState.Activating, UpdateEvent.Activated)] = UpdateState.Probation,
        [(UpdateState.Activating, UpdateEvent.Failed)] = UpdateState.RollingBack,
        [(UpdateState.Activating, UpdateEvent.BootLoop)] = UpdateState.RollingBack,
        [(UpdateState.Activating, UpdateEvent.RollbackOrdered)] = UpdateState.RollingBack,

        [(UpdateState.Probation, UpdateEvent.Passed)] = UpdateState.Committed,
        [(UpdateState.Probation, UpdateEvent.Failed)] = UpdateState.RollingBack,
        [(UpdateState.Probation, UpdateEvent.BootLoop)] = UpdateState.RollingBack,
        [(UpdateState.Probation, UpdateEvent.RollbackOrdered)] = UpdateState.RollingBack,

        [(UpdateState.Committed, UpdateEvent.RollbackOrdered)] = UpdateState.RollingBack,

        [(UpdateState.RollingBack, UpdateEvent.RolledBack)] = UpdateState.Failed,
    }.ToFrozenDictionary();

    /// <summary>Every (state, event) → state of the table.</summary>
    public static IEnumerable<(UpdateState From, UpdateEvent Event, UpdateState To)> Transitions =>
        Table.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value));

    /// <exception cref="InvalidUpdateTransitionException">The table has no such pair.</exception>
    public static UpdateState Next(UpdateState state, UpdateEvent updateEvent) =>
        Table.TryGetValue((state, updateEvent), out var next) ? next : throw new InvalidUpdateTransitionException(state, updateEvent);

    public static bool Takes(UpdateState state, UpdateEvent updateEvent) => Table.ContainsKey((state, updateEvent));

    public static IEnumerable<UpdateEvent> EventsOf(UpdateState state) =>
        Table.Keys.Where(k => k.Item1 == state).Select(k => k.Item2).Order();

    /// <summary>At rest: no update in progress (a new install may start).</summary>
    public static bool IsAtRest(UpdateState state) => state is UpdateState.Idle or UpdateState.Committed or UpdateState.Failed;

    /// <summary>The spelling of <see cref="UpdateStates"/> (what the <c>model.update</c> records carry).</summary>
    public static string Name(UpdateState state) => state switch
    {
        UpdateState.Idle => UpdateStates.Idle,
        UpdateState.Downloading => UpdateStates.Downloading,
        UpdateState.Verifying => UpdateStates.Verifying,
        UpdateState.Staging => UpdateStates.Staging,
        UpdateState.Activating => UpdateStates.Activating,
        UpdateState.Probation => UpdateStates.Probation,
        UpdateState.Committed => UpdateStates.Committed,
        UpdateState.RollingBack => UpdateStates.RollingBack,
        UpdateState.Failed => UpdateStates.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
