namespace EdgeAgent.Core.Indicators;

/// <summary>What the status LED shows (patterns: <see cref="LedPattern.For"/>, README "Indicators").</summary>
public enum LedState
{
    /// <summary>Dark: the agent is not running (set at shutdown).</summary>
    Off,

    /// <summary>Starting, and not (yet) connected to the hub.</summary>
    Booting,

    /// <summary>Connected to the hub.</summary>
    Connected,

    /// <summary>Started but not connected: what it records waits in the outbox for the hub.</summary>
    OfflineBacklog,

    /// <summary>A model update is being downloaded, verified, installed or on probation.</summary>
    Updating,

    /// <summary>A fault of warning severity or worse is active.</summary>
    Fault,
}

/// <summary>
/// What the agent knows that the LED shows. <see cref="Starting"/>: the agent has not finished starting, its first
/// connection attempt included (so a device that starts where the hub is unreachable shows offline, not booting
/// forever). <see cref="FaultActive"/>: e.g. <c>FaultMonitor.AnyActive(FaultSeverity.Warning)</c> or the outbox budget fault.
/// </summary>
public readonly record struct LedFacts(bool FaultActive, bool Updating, bool Starting, bool Connected);

/// <summary>
/// Chooses the one state the LED shows, most urgent first: fault (someone should act; hiding it behind anything else
/// delays that), updating (do not power it off now; an update is a few minutes), booting (starting and not yet
/// connected), offline (started, not connected: records wait), connected. Connected shows only while the hub link is
/// up, so a field technician reading "connected" can trust it.
/// </summary>
public static class LedRule
{
    public static LedState Choose(LedFacts facts) => facts switch
    {
        { FaultActive: true } => LedState.Fault,
        { Updating: true } => LedState.Updating,
        { Connected: true } => LedState.Connected,
        { Starting: true } => LedState.Booting,
        _ => LedState.OfflineBacklog,
    };
}
