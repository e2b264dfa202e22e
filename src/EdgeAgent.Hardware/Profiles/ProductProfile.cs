using System.Text.Json.Serialization;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// A product profile (<c>hardware/products/{id}.json</c>): the sensors on which bus and address, the models that run on
/// which source, how operating modes are detected, the threshold faults and the field controls.
/// </summary>
/// <remarks>
/// Profiles are read-only by intent. Members with a default other than the type's (<c>period_ms</c> 1000,
/// <c>required</c> true, empty lists) have plain setters: the System.Text.Json source generator passes every init-only
/// member to the object initializer and would replace a missing one's default with zero, false or null.
/// </remarks>
public sealed record ProductProfile
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The product id, equal to the file name without <c>.json</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Ids of the boards the product is built on.</summary>
    public required IReadOnlyList<string> Boards { get; init; }

    public required IReadOnlyList<ProductSensor> Sensors { get; init; }

    public IReadOnlyList<ProductPipeline> Pipelines { get; set; } = [];

    public required ModeDetection Modes { get; init; }

    public IReadOnlyList<FaultRule> Faults { get; set; } = [];

    public ProductControls? Controls { get; init; }

    /// <summary>
    /// Present when the product carries a companion microcontroller (firmware/) beside the board: its buttons' events are
    /// recorded, its IMU and battery can be sensors (chip <c>companion</c>), its standby seconds count as idle usage.
    /// The board must have a <see cref="BoardProfile.Companion"/> port.
    /// </summary>
    public ProductCompanion? Companion { get; init; }

    public IReadOnlyList<string> Notes { get; set; } = [];

    [JsonIgnore]
    public string SourceFile { get; init; } = "";

    /// <summary>The sensor with this id, or null.</summary>
    public ProductSensor? Sensor(string id) => Sensors.FirstOrDefault(s => s.Id == id);
}

/// <summary>
/// One sensor: its kind and chip and where it is wired. I2C kinds give <see cref="Bus"/> and <see cref="Address"/>,
/// GNSS gives <see cref="Uart"/> and <see cref="Baud"/>, a camera <see cref="Camera"/>, a microphone <see cref="Audio"/>.
/// </summary>
public sealed record ProductSensor
{
    /// <summary>The sensor id, the first part of its signal names (<c>imu.motion_g</c>).</summary>
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Chip { get; init; }

    /// <summary>An I2C bus id of the board.</summary>
    public string? Bus { get; init; }

    /// <summary>The 7-bit I2C address as written in the file, e.g. <c>"0x68"</c>; see <see cref="I2cAddress"/>.</summary>
    public string? Address { get; init; }

    /// <summary>A UART id of the board.</summary>
    public string? Uart { get; init; }

    public int? Baud { get; init; }

    /// <summary>A camera id of the board.</summary>
    public string? Camera { get; init; }

    /// <summary>An audio id of the board.</summary>
    public string? Audio { get; init; }

    /// <summary>Sampling period, 10..60000 ms. Default 1000.</summary>
    public int PeriodMs { get; set; } = 1000;

    /// <summary>False marks a sensor the product can run without (its absence is not a <c>sensor.missing</c> fault). Default true.</summary>
    public bool Required { get; set; } = true;

    /// <summary>Chip settings (e.g. INA219 <c>shunt_ohms</c>, <c>max_current_a</c>); the allowed names are per chip.</summary>
    public IReadOnlyDictionary<string, double> Settings { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The address as a number (the loader has checked it parses).</summary>
    [JsonIgnore]
    public int? I2cAddress => Address is null ? null : ProfileRules.ParseAddress(Address);

    /// <summary>A setting, or <paramref name="fallback"/> when the profile does not give it.</summary>
    public double Setting(string name, double fallback) => Settings.TryGetValue(name, out var v) ? v : fallback;
}

/// <summary>A model run on a live source (a camera or microphone sensor id).</summary>
public sealed record ProductPipeline
{
    /// <summary>A catalog model family: <c>silero-vad</c>, <c>blazeface</c> or <c>ppocr</c>.</summary>
    public required string Model { get; init; }

    public required string Source { get; init; }
}

/// <summary>The <c>modes</c> section: how operating modes are detected (the shared contract).</summary>
public sealed record ModeDetection
{
    public int EvaluateMs { get; set; } = 1000;

    public required ModeDefault Default { get; init; }

    public IReadOnlyList<ModeState> States { get; set; } = [];
}

/// <summary>The mode the detector is in when no state matches.</summary>
public sealed record ModeDefault
{
    public required string Name { get; init; }

    /// <summary><c>operate</c>, <c>idle</c>, <c>charge</c> or <c>fault</c>.</summary>
    public required string Class { get; init; }
}

/// <summary>A detected mode: it matches when every <see cref="All"/> condition holds and, if <see cref="Any"/> is not empty, one of those does.</summary>
public sealed record ModeState
{
    public required string Name { get; init; }

    public required string Class { get; init; }

    /// <summary>How long the state must be the candidate at every evaluation before the detector switches to it. Default 0.</summary>
    public double EnterS { get; init; }

    /// <summary>Each stay in this state becomes a <c>session</c> record.</summary>
    public bool Session { get; init; }

    public IReadOnlyList<ModeCondition> All { get; set; } = [];

    public IReadOnlyList<ModeCondition> Any { get; set; } = [];
}

/// <summary>A condition on a signal: <c>stat</c> over the last <c>window_s</c> seconds, compared with <c>op</c> to <c>value</c>.</summary>
public sealed record ModeCondition
{
    /// <summary><c>{sensor id}.{quantity}</c>.</summary>
    public required string Signal { get; init; }

    public required string Op { get; init; }

    public string Stat { get; set; } = "latest";

    public double WindowS { get; init; }

    public required double Value { get; init; }
}

/// <summary>A threshold fault with hysteresis: exactly one of raise_above (with clear_below) or raise_below (with clear_above).</summary>
public sealed record FaultRule
{
    public required string Code { get; init; }

    public required string Subsystem { get; init; }

    public required string Signal { get; init; }

    public double? RaiseAbove { get; init; }

    public double? ClearBelow { get; init; }

    public double? RaiseBelow { get; init; }

    public double? ClearAbove { get; init; }

    /// <summary>The raise condition must hold on every sample for this long. Default 0.</summary>
    public double ForS { get; init; }

    public required string Severity { get; init; }

    /// <summary>Counts as a relevant failure for the pilot report's MTBF. Default true.</summary>
    public bool Relevant { get; set; } = true;
}

/// <summary>The <c>controls</c> section: status LED and button, both optional.</summary>
public sealed record ProductControls
{
    public StatusLedControl? StatusLed { get; init; }

    public ButtonControl? Button { get; init; }
}

public sealed record StatusLedControl
{
    /// <summary>The pin number (the Raspberry Pi header's BCM GPIO number; see <see cref="BoardProfile.Line"/>).</summary>
    public required int Pin { get; init; }

    public bool ActiveLow { get; init; }
}

public sealed record ButtonControl
{
    public required int Pin { get; init; }

    public bool ActiveLow { get; init; }

    /// <summary>How long a press must last to be a long press. Default 3000 ms.</summary>
    public int LongPressMs { get; set; } = 3000;

    /// <summary><c>consent</c>, <c>commission</c> or <c>none</c> (default).</summary>
    public string Action { get; set; } = "none";
}

/// <summary>The <c>companion</c> section: the product carries the companion microcontroller.</summary>
public sealed record ProductCompanion
{
    /// <summary>
    /// What a long press (the firmware's 1.5 s) of a companion button does: <c>consent</c>, <c>commission</c> or
    /// <c>none</c> (default), as <see cref="ButtonControl.Action"/> for the board's button.
    /// </summary>
    public string ButtonAction { get; set; } = "none";
}
