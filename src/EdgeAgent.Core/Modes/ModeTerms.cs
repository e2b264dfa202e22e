using System.Text.RegularExpressions;
using EdgeAgent.Core.Usage;

namespace EdgeAgent.Core.Modes;

/// <summary>
/// The words of the contract's <c>modes</c> section and their types, for a profile loader: <c>class</c>
/// (<c>operate</c>, <c>idle</c>, <c>charge</c>, <c>fault</c>), <c>op</c> (<c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>,
/// <c>&lt;=</c>), <c>stat</c> (<c>latest</c>, <c>mean</c>, <c>min</c>, <c>max</c>, <c>stddev</c>, <c>range</c>) and the
/// name rule <c>^[a-z][a-z0-9_-]{0,31}$</c>. Each <c>Parse</c> throws an <see cref="ArgumentException"/> listing the
/// allowed values.
/// </summary>
public static partial class ModeTerms
{
    public const string Classes = "operate, idle, charge, fault";
    public const string Ops = ">, >=, <, <=";
    public const string Stats = "latest, mean, min, max, stddev, range";

    /// <summary>Whether <paramref name="name"/> is a valid mode name.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static UsageMode ParseClass(string text) => text switch
    {
        "operate" => UsageMode.Operate,
        "idle" => UsageMode.Idle,
        "charge" => UsageMode.Charge,
        "fault" => UsageMode.Fault,
        _ => throw new ArgumentException($"class '{text}' is not one of {Classes}", nameof(text)),
    };

    public static string Name(UsageMode usageClass) => usageClass switch
    {
        UsageMode.Operate => "operate",
        UsageMode.Idle => "idle",
        UsageMode.Charge => "charge",
        UsageMode.Fault => "fault",
        _ => throw new ArgumentOutOfRangeException(nameof(usageClass), usageClass, $"class must be one of {Classes}"),
    };

    public static ConditionOp ParseOp(string text) => text switch
    {
        ">" => ConditionOp.GreaterThan,
        ">=" => ConditionOp.GreaterOrEqual,
        "<" => ConditionOp.LessThan,
        "<=" => ConditionOp.LessOrEqual,
        _ => throw new ArgumentException($"op '{text}' is not one of {Ops}", nameof(text)),
    };

    public static string Symbol(ConditionOp op) => op switch
    {
        ConditionOp.GreaterThan => ">",
        ConditionOp.GreaterOrEqual => ">=",
        ConditionOp.LessThan => "<",
        ConditionOp.LessOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, $"op must be one of {Ops}"),
    };

    /// <summary>The stat, <c>latest</c> when <paramref name="text"/> is null (the contract's default).</summary>
    public static SignalStat ParseStat(string? text) => text switch
    {
        null or "latest" => SignalStat.Latest,
        "mean" => SignalStat.Mean,
        "min" => SignalStat.Min,
        "max" => SignalStat.Max,
        "stddev" => SignalStat.StdDev,
        "range" => SignalStat.Range,
        _ => throw new ArgumentException($"stat '{text}' is not one of {Stats}", nameof(text)),
    };

    public static string Name(SignalStat stat) => stat switch
    {
        SignalStat.Latest => "latest",
        SignalStat.Mean => "mean",
        SignalStat.Min => "min",
        SignalStat.Max => "max",
        SignalStat.StdDev => "stddev",
        SignalStat.Range => "range",
        _ => throw new ArgumentOutOfRangeException(nameof(stat), stat, $"stat must be one of {Stats}"),
    };

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
