using System.Globalization;
using EdgeAgent.Fuzz.Targets;

namespace EdgeAgent.Fuzz.Campaign;

/// <summary>What a campaign runs: which targets, for how long each, where its work and findings go, and the repository
/// whose pinned dotnet tools (.config/dotnet-tools.json: sharpfuzz) instrument the assemblies.</summary>
internal sealed record CampaignOptions(IReadOnlyList<string> Targets, int Seconds, string Output, string Repository)
{
    public const int DefaultSeconds = 300;

    /// <summary>afl-fuzz's per-input timeout: an input taking longer is a hang (a finding).</summary>
    public int TimeoutMilliseconds { get; init; } = 5000;

    public static bool TryParse(IReadOnlyList<string> args, out CampaignOptions? options, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--targets"] = string.Join(',', FuzzTargets.Names),
            ["--seconds"] = DefaultSeconds.ToString(CultureInfo.InvariantCulture),
            ["--out"] = "artifacts/fuzz",
            ["--repo"] = ".",
        };
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!values.ContainsKey(args[i]) || i + 1 >= args.Count)
            {
                problem = $"'{args[i]}' is not an option with a value; options: {string.Join(", ", values.Keys)}";
                return false;
            }

            values[args[i]] = args[i + 1];
        }

        var targets = values["--targets"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (targets.Length == 0 || targets.FirstOrDefault(t => !FuzzTargets.Names.Contains(t)) is { } unknown)
        {
            problem = $"--targets {values["--targets"]}: allowed values are {string.Join(", ", FuzzTargets.Names)} (comma-separated)";
            return false;
        }

        if (!int.TryParse(values["--seconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            problem = $"--seconds {values["--seconds"]}: a whole number of seconds per target, at least 1";
            return false;
        }

        options = new CampaignOptions(targets, seconds, Path.GetFullPath(values["--out"]), Path.GetFullPath(values["--repo"]));
        problem = null;
        return true;
    }
}
