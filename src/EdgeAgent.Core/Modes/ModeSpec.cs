using System.Globalization;
using EdgeAgent.Core.Usage;

namespace EdgeAgent.Core.Modes;

/// <summary>The mode a device is in when no state matches (contract, <c>modes.default</c>); it is entered at once.</summary>
public sealed record ModeDefault
{
    public ModeDefault(string name, UsageMode usageClass)
    {
        Name = ModeSpec.CheckName(name, nameof(name));
        Class = ModeSpec.CheckClass(usageClass, name);
    }

    public string Name { get; }

    /// <summary>Which of the four seconds-per-mode of <c>usage.summary</c> its time counts to.</summary>
    public UsageMode Class { get; }
}

/// <summary>
/// One detectable mode (contract, <c>modes.states[]</c>): it matches when every <see cref="All"/> condition holds and,
/// if <see cref="Any"/> is not empty, at least one of those does; it is entered once it has been the candidate at every
/// evaluation for <see cref="Enter"/>. <see cref="Session"/> makes each stay in it a <c>session</c> record.
/// </summary>
public sealed record ModeState
{
    public ModeState(string name, UsageMode usageClass, IReadOnlyList<Condition>? all = null, IReadOnlyList<Condition>? any = null, TimeSpan enter = default, bool session = false)
    {
        Name = ModeSpec.CheckName(name, nameof(name));
        Class = ModeSpec.CheckClass(usageClass, name);
        All = Copy(all, name, nameof(all));
        Any = Copy(any, name, nameof(any));
        if (All.Count == 0 && Any.Count == 0)
        {
            throw new ArgumentException($"mode '{name}': at least one of all/any must have a condition", nameof(all));
        }

        if (enter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(enter), enter, $"mode '{name}': enter_s must be 0 or more seconds");
        }

        Enter = enter;
        Session = session;
    }

    public string Name { get; }

    public UsageMode Class { get; }

    public IReadOnlyList<Condition> All { get; }

    public IReadOnlyList<Condition> Any { get; }

    /// <summary>How long it must be the candidate before the detector switches to it (zero: at once).</summary>
    public TimeSpan Enter { get; }

    /// <summary>Whether each stay in this mode becomes a <c>session</c> record.</summary>
    public bool Session { get; }

    /// <summary>Every condition of the state, <see cref="All"/> then <see cref="Any"/>.</summary>
    public IEnumerable<Condition> Conditions => All.Concat(Any);

    private static Condition[] Copy(IReadOnlyList<Condition>? conditions, string mode, string field)
    {
        var copy = conditions?.ToArray() ?? [];
        if (copy.Any(c => c is null))
        {
            throw new ArgumentException($"mode '{mode}': {field} holds a null condition", field);
        }

        return copy;
    }
}

/// <summary>
/// The <c>modes</c> section of a product profile: how often to evaluate, the default mode and the states in priority
/// order (the first matching one is the candidate). A constructed spec is valid: names follow
/// <c>^[a-z][a-z0-9_-]{0,31}$</c>, are unique, and the default's is not a state's; the evaluate interval is positive.
/// Errors are <see cref="ArgumentException"/>s naming the mode and the field.
/// </summary>
public sealed record ModeSpec
{
    public ModeSpec(TimeSpan evaluate, ModeDefault defaultMode, IReadOnlyList<ModeState> states)
    {
        ArgumentNullException.ThrowIfNull(defaultMode);
        ArgumentNullException.ThrowIfNull(states);
        if (evaluate <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(evaluate), evaluate, "modes: evaluate_ms must be more than 0");
        }

        var copy = states.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal) { defaultMode.Name };
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] is null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"modes: states[{i}] is null"), nameof(states));
            }

            if (!seen.Add(copy[i].Name))
            {
                throw new ArgumentException(copy[i].Name == defaultMode.Name
                    ? $"modes: state '{copy[i].Name}' has the default's name; the default must be named apart from every state"
                    : $"modes: state name '{copy[i].Name}' is used twice; names must be unique", nameof(states));
            }
        }

        Evaluate = evaluate;
        Default = defaultMode;
        States = copy;
    }

    /// <summary>How often the caller's loop calls <see cref="ModeDetector.Evaluate"/>; a latest-only condition takes samples no older than twice this.</summary>
    public TimeSpan Evaluate { get; }

    public ModeDefault Default { get; }

    /// <summary>In priority order: the first that matches is the candidate.</summary>
    public IReadOnlyList<ModeState> States { get; }

    /// <summary>How long a latest-only condition's sample stays usable: twice <see cref="Evaluate"/>.</summary>
    public TimeSpan LatestMaxAge => Evaluate * 2;

    /// <summary>Per signal the conditions name, the longest window any of them looks back (zero for latest-only).</summary>
    public IReadOnlyDictionary<string, TimeSpan> LongestWindows()
    {
        var windows = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var condition in States.SelectMany(s => s.Conditions))
        {
            windows[condition.Signal] = windows.TryGetValue(condition.Signal, out var w) && w > condition.Window ? w : condition.Window;
        }

        return windows;
    }

    internal static string CheckName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        return ModeTerms.IsValidName(name)
            ? name
            : throw new ArgumentException($"mode name '{name}' must match ^[a-z][a-z0-9_-]{{0,31}}$", parameter);
    }

    internal static UsageMode CheckClass(UsageMode usageClass, string mode) =>
        Enum.IsDefined(usageClass)
            ? usageClass
            : throw new ArgumentOutOfRangeException(nameof(usageClass), usageClass, $"mode '{mode}': class must be one of {ModeTerms.Classes}");
}
