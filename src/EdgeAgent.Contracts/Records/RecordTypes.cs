namespace EdgeAgent.Contracts.Records;

/// <summary>Which retention rules a record falls under on the device.</summary>
public enum RecordClass
{
    /// <summary>Evidence (activation, commissioning, faults, usage, model changes): never dropped.</summary>
    Evidence,

    /// <summary>Telemetry (samples, performance stats): capped by bytes and age, dropped oldest first, drops counted.</summary>
    Telemetry,
}

/// <summary>The event types of ../shared/EVIDENCE.md and the class each belongs to.</summary>
public static class RecordTypes
{
    public const string DeviceActivated = "device.activated";
    public const string DeploymentCommissioned = "deployment.commissioned";
    public const string PowerState = "power.state";
    public const string UsageSummary = "usage.summary";
    public const string Session = "session";
    public const string FaultRaised = "fault.raised";
    public const string FaultCleared = "fault.cleared";
    public const string MaintenancePerformed = "maintenance.performed";
    public const string PerfKpi = "perf.kpi";
    public const string EnvSample = "env.sample";
    public const string ComputeUsage = "compute.usage";
    public const string ClockSync = "clock.sync";
    public const string ModelChanged = "model.changed";
    public const string AgentIntegrity = "agent.integrity";

    /// <summary>A transition of the model update state machine (campaign, release, state entered, reason).</summary>
    public const string ModelUpdate = "model.update";

    /// <summary>The owner gave consent to collection on the device itself (a long press of the product's button), before the first record.</summary>
    public const string ConsentGiven = "consent.given";

    /// <summary>Written as evidence when telemetry had to be dropped: how many records, which sequence range.</summary>
    public const string TelemetryDropped = "telemetry.dropped";

    /// <summary>
    /// A button of the product was pressed (today: a companion microcontroller's button, with how long it was held).
    /// Telemetry: evidence of hands-on use in detail; the counted figures (operating seconds, sessions) are evidence already.
    /// </summary>
    public const string ButtonPressed = "button.pressed";

    private static readonly Dictionary<string, RecordClass> Classes = new(StringComparer.Ordinal)
    {
        [DeviceActivated] = RecordClass.Evidence,
        [DeploymentCommissioned] = RecordClass.Evidence,
        [PowerState] = RecordClass.Evidence,
        [UsageSummary] = RecordClass.Evidence,
        [Session] = RecordClass.Evidence,
        [FaultRaised] = RecordClass.Evidence,
        [FaultCleared] = RecordClass.Evidence,
        [MaintenancePerformed] = RecordClass.Evidence,
        [ComputeUsage] = RecordClass.Evidence,
        [ClockSync] = RecordClass.Evidence,
        [ModelChanged] = RecordClass.Evidence,
        [AgentIntegrity] = RecordClass.Evidence,
        [ModelUpdate] = RecordClass.Evidence,
        [TelemetryDropped] = RecordClass.Evidence,
        [ConsentGiven] = RecordClass.Evidence,
        [PerfKpi] = RecordClass.Telemetry,
        [EnvSample] = RecordClass.Telemetry,
        [ButtonPressed] = RecordClass.Telemetry,
    };

    /// <summary>Every known type.</summary>
    public static IReadOnlyCollection<string> All => Classes.Keys;

    /// <summary>The class of <paramref name="type"/>; unknown types are refused rather than guessed.</summary>
    public static RecordClass ClassOf(string type) =>
        Classes.TryGetValue(type, out var c)
            ? c
            : throw new ArgumentException($"'{type}' is not a record type; known: {string.Join(", ", Classes.Keys.Order(StringComparer.Ordinal))}", nameof(type));

    public static bool IsKnown(string type) => Classes.ContainsKey(type);
}
