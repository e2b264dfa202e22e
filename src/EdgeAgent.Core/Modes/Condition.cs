using System.Globalization;

namespace EdgeAgent.Core.Modes;

/// <summary>How a condition compares its statistic with its value (the profile's <c>op</c>).</summary>
public enum ConditionOp
{
    /// <summary><c>&gt;</c></summary>
    GreaterThan,

    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,

    /// <summary><c>&lt;</c></summary>
    LessThan,

    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
}

/// <summary>What a condition computes over its window (the profile's <c>stat</c>).</summary>
public enum SignalStat
{
    /// <summary>The newest sample (the default).</summary>
    Latest,

    /// <summary>Arithmetic mean.</summary>
    Mean,

    /// <summary>Smallest sample.</summary>
    Min,

    /// <summary>Largest sample.</summary>
    Max,

    /// <summary>Population standard deviation (divides by n, not n - 1).</summary>
    StdDev,

    /// <summary>Max minus min.</summary>
    Range,
}

/// <summary>
/// One test of a mode state (contract, <c>modes.states[].all/any[]</c>): <see cref="Stat"/> of the samples of
/// <see cref="Signal"/> whose timestamp lies in <c>[now - Window, now]</c>, compared by <see cref="Op"/> with
/// <see cref="Value"/>. A zero <see cref="Window"/> means the latest sample only, which must be no older than twice the
/// evaluate interval. No sample in the window makes the condition false. The constructor refuses what the contract
/// forbids (<see cref="ArgumentException"/> naming the field).
/// </summary>
public sealed record Condition
{
    public Condition(string signal, ConditionOp op, double value, SignalStat stat = SignalStat.Latest, TimeSpan window = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signal);
        var dot = signal.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == signal.Length - 1 || signal.IndexOf('.', dot + 1) >= 0 || signal.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"signal '{signal}' must be '{{sensor}}.{{quantity}}', e.g. 'imu.motion_g'", nameof(signal));
        }

        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, $"{signal}: op must be one of {ModeTerms.Ops}");
        }

        if (!Enum.IsDefined(stat))
        {
            throw new ArgumentOutOfRangeException(nameof(stat), stat, $"{signal}: stat must be one of {ModeTerms.Stats}");
        }

        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{signal}: value must be a finite number");
        }

        if (window < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"{signal}: window_s must be 0 or more seconds");
        }

        Signal = signal;
        Op = op;
        Value = value;
        Stat = stat;
        Window = window;
    }

    public string Signal { get; }

    public ConditionOp Op { get; }

    public double Value { get; }

    public SignalStat Stat { get; }

    /// <summary>How far back the statistic looks; zero is the latest sample only.</summary>
    public TimeSpan Window { get; }

    /// <summary>Whether <paramref name="statistic"/> (null: no sample) satisfies the comparison.</summary>
    public bool Holds(double? statistic) => statistic is { } s && Op switch
    {
        ConditionOp.GreaterThan => s > Value,
        ConditionOp.GreaterOrEqual => s >= Value,
        ConditionOp.LessThan => s < Value,
        _ => s <= Value,
    };

    /// <summary>As the profile writes it, e.g. <c>imu.motion_g stddev(10s) &gt; 0.02</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Signal}{(Stat == SignalStat.Latest && Window == TimeSpan.Zero ? "" : $" {ModeTerms.Name(Stat)}({Window.TotalSeconds}s)")} {ModeTerms.Symbol(Op)} {Value}");
}
