using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Faults;

/// <summary>Whether a fault started or ended.</summary>
public enum FaultChange
{
    /// <summary>Write a <c>fault.raised</c>.</summary>
    Raised,

    /// <summary>Write a <c>fault.cleared</c>.</summary>
    Cleared,
}

/// <summary>
/// A fault starting or ending, with everything its record needs: <see cref="RecordType"/> and <see cref="ToJson"/>
/// (<c>code</c>, <c>subsystem</c>, <c>severity</c>, <c>relevant</c>, <c>detail</c>, and when known <c>sensor</c>,
/// <c>signal</c>, <c>value</c> and <c>threshold</c>). A clear carries the same code, subsystem, severity, relevance and
/// sensor as its raise, so the hub can pair them.
/// </summary>
public sealed record FaultTransition(
    FaultChange Change,
    string Code,
    FaultSubsystem Subsystem,
    FaultSeverity Severity,
    bool Relevant,
    string Detail,
    string? Sensor = null,
    string? Signal = null,
    double? Value = null,
    double? Threshold = null)
{
    /// <summary><c>fault.raised</c> or <c>fault.cleared</c>.</summary>
    public string RecordType => Change == FaultChange.Raised ? RecordTypes.FaultRaised : RecordTypes.FaultCleared;

    /// <summary>
    /// The record data, e.g. <c>{"code":"temperature.high","subsystem":"thermal","severity":"warning","relevant":true,
    /// "detail":"env.temperature_c 61.5 above 60 for 10 s","sensor":"env","signal":"env.temperature_c","value":61.5,"threshold":60}</c>.
    /// </summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(
        new FaultData(Code, FaultTerms.Name(Subsystem), FaultTerms.Name(Severity), Relevant, Detail, Sensor, Signal, Value, Threshold),
        FaultsJsonContext.Default.FaultData);
}

internal sealed record FaultData(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("subsystem")] string Subsystem,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("relevant")] bool Relevant,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("sensor")] string? Sensor,
    [property: JsonPropertyName("signal")] string? Signal,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("threshold")] double? Threshold);

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FaultData))]
internal sealed partial class FaultsJsonContext : JsonSerializerContext;
