using System.Globalization;

namespace EdgeAgent.Core.Faults;

/// <summary>Which side of its thresholds a <see cref="ThresholdFault"/> is a fault on.</summary>
public enum ThresholdDirection
{
    /// <summary><c>raise_above</c> / <c>clear_below</c>: e.g. over-temperature.</summary>
    Above,

    /// <summary><c>raise_below</c> / <c>clear_above</c>: e.g. low battery.</summary>
    Below,
}

/// <summary>
/// A fault on one signal with hysteresis (contract, <c>faults[]</c>). <see cref="ThresholdDirection.Above"/>: raised
/// when every sample for <see cref="For"/> has been above <see cref="Raise"/> (strictly), cleared at the first sample
/// below <see cref="Clear"/> (strictly, and <c>Clear &lt; Raise</c>); <see cref="ThresholdDirection.Below"/> is the
/// mirror image. Between the thresholds the fault keeps its state. Build with <see cref="Above"/> or
/// <see cref="Below"/>; bad values are <see cref="ArgumentException"/>s naming the code and the field.
/// </summary>
public sealed record ThresholdFault
{
    private ThresholdFault(string code, FaultSubsystem subsystem, string signal, ThresholdDirection direction, double raise, double clear, TimeSpan holdFor, FaultSeverity severity, bool relevant)
    {
        if (!FaultTerms.IsValidCode(code))
        {
            throw new ArgumentException($"fault code '{code}' must match ^[a-z][a-z0-9_.-]{{0,63}}$", nameof(code));
        }

        if (!Enum.IsDefined(subsystem))
        {
            throw new ArgumentOutOfRangeException(nameof(subsystem), subsystem, $"fault '{code}': subsystem must be one of {FaultTerms.Subsystems}");
        }

        if (!Enum.IsDefined(severity))
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, $"fault '{code}': severity must be one of {FaultTerms.Severities}");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(signal);
        if (!double.IsFinite(raise) || !double.IsFinite(clear))
        {
            throw new ArgumentOutOfRangeException(nameof(raise), raise, $"fault '{code}': thresholds must be finite numbers");
        }

        if (direction == ThresholdDirection.Above ? clear >= raise : clear <= raise)
        {
            throw new ArgumentException(direction == ThresholdDirection.Above
                ? string.Create(CultureInfo.InvariantCulture, $"fault '{code}': clear_below ({clear}) must be less than raise_above ({raise})")
                : string.Create(CultureInfo.InvariantCulture, $"fault '{code}': clear_above ({clear}) must be more than raise_below ({raise})"), nameof(clear));
        }

        if (holdFor < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(holdFor), holdFor, $"fault '{code}': for_s must be 0 or more seconds");
        }

        (Code, Subsystem, Signal, Direction, Raise, Clear, For, Severity, Relevant) = (code, subsystem, signal, direction, raise, clear, holdFor, severity, relevant);
    }

    public string Code { get; }

    public FaultSubsystem Subsystem { get; }

    /// <summary>The signal it watches, e.g. <c>env.temperature_c</c>.</summary>
    public string Signal { get; }

    public ThresholdDirection Direction { get; }

    /// <summary><c>raise_above</c> or <c>raise_below</c>.</summary>
    public double Raise { get; }

    /// <summary><c>clear_below</c> or <c>clear_above</c>.</summary>
    public double Clear { get; }

    /// <summary>How long the raise condition must hold on every sample before the fault is raised (zero: at the first).</summary>
    public TimeSpan For { get; }

    public FaultSeverity Severity { get; }

    /// <summary>Whether it counts as a relevant failure in the pilot report's MTBF.</summary>
    public bool Relevant { get; }

    /// <summary><c>raise_above</c> / <c>clear_below</c>.</summary>
    public static ThresholdFault Above(string code, FaultSubsystem subsystem, string signal, double raiseAbove, double clearBelow,
        TimeSpan holdFor = default, FaultSeverity severity = FaultSeverity.Warning, bool relevant = true) =>
        new(code, subsystem, signal, ThresholdDirection.Above, raiseAbove, clearBelow, holdFor, severity, relevant);

    /// <summary><c>raise_below</c> / <c>clear_above</c>.</summary>
    public static ThresholdFault Below(string code, FaultSubsystem subsystem, string signal, double raiseBelow, double clearAbove,
        TimeSpan holdFor = default, FaultSeverity severity = FaultSeverity.Warning, bool relevant = true) =>
        new(code, subsystem, signal, ThresholdDirection.Below, raiseBelow, clearAbove, holdFor, severity, relevant);

    /// <summary>Whether <paramref name="value"/> is on the fault side of <see cref="Raise"/>.</summary>
    public bool RaisesAt(double value) => Direction == ThresholdDirection.Above ? value > Raise : value < Raise;

    /// <summary>Whether <paramref name="value"/> is on the healthy side of <see cref="Clear"/>.</summary>
    public bool ClearsAt(double value) => Direction == ThresholdDirection.Above ? value < Clear : value > Clear;
}
