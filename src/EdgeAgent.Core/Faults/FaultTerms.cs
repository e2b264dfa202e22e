using System.Text.RegularExpressions;

namespace EdgeAgent.Core.Faults;

/// <summary>How bad a fault is (contract, <c>faults[].severity</c>).</summary>
public enum FaultSeverity
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>Which part of the product a fault is in (contract, <c>faults[].subsystem</c>).</summary>
public enum FaultSubsystem
{
    Sensor,
    Power,
    Thermal,
    Storage,
    Inference,
    Network,
    Actuator,
    System,
}

/// <summary>
/// The words of the contract's <c>faults</c> section and their types, for a profile loader and for the record data:
/// severities, subsystems and the code rule <c>^[a-z][a-z0-9_.-]{0,63}$</c>. Each <c>Parse</c> throws an
/// <see cref="ArgumentException"/> listing the allowed values.
/// </summary>
public static partial class FaultTerms
{
    public const string Severities = "info, warning, error, critical";
    public const string Subsystems = "sensor, power, thermal, storage, inference, network, actuator, system";

    public static bool IsValidCode(string? code) => code is not null && CodePattern().IsMatch(code);

    public static FaultSeverity ParseSeverity(string text) => text switch
    {
        "info" => FaultSeverity.Info,
        "warning" => FaultSeverity.Warning,
        "error" => FaultSeverity.Error,
        "critical" => FaultSeverity.Critical,
        _ => throw new ArgumentException($"severity '{text}' is not one of {Severities}", nameof(text)),
    };

    public static string Name(FaultSeverity severity) => severity switch
    {
        FaultSeverity.Info => "info",
        FaultSeverity.Warning => "warning",
        FaultSeverity.Error => "error",
        FaultSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, $"severity must be one of {Severities}"),
    };

    public static FaultSubsystem ParseSubsystem(string text) => text switch
    {
        "sensor" => FaultSubsystem.Sensor,
        "power" => FaultSubsystem.Power,
        "thermal" => FaultSubsystem.Thermal,
        "storage" => FaultSubsystem.Storage,
        "inference" => FaultSubsystem.Inference,
        "network" => FaultSubsystem.Network,
        "actuator" => FaultSubsystem.Actuator,
        "system" => FaultSubsystem.System,
        _ => throw new ArgumentException($"subsystem '{text}' is not one of {Subsystems}", nameof(text)),
    };

    public static string Name(FaultSubsystem subsystem) => subsystem switch
    {
        FaultSubsystem.Sensor => "sensor",
        FaultSubsystem.Power => "power",
        FaultSubsystem.Thermal => "thermal",
        FaultSubsystem.Storage => "storage",
        FaultSubsystem.Inference => "inference",
        FaultSubsystem.Network => "network",
        FaultSubsystem.Actuator => "actuator",
        FaultSubsystem.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(subsystem), subsystem, $"subsystem must be one of {Subsystems}"),
    };

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
