using System.Globalization;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>The states of a campaign. <see cref="Halted"/>, <see cref="Aborted"/> and <see cref="Completed"/> are final.</summary>
internal static class CampaignStates
{
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Halted = "halted";
    public const string Aborted = "aborted";
    public const string Completed = "completed";

    public static readonly IReadOnlyList<string> All = [Running, Paused, Halted, Aborted, Completed];

    public static bool IsFinal(string state) => state is Halted or Aborted or Completed;
}

/// <summary>
/// The arithmetic of a campaign's waves and gates, in <see cref="decimal"/> so that 5 % of 20 devices is exactly one.
/// Waves are cumulative percentages of the target set: wave i covers the first ceil(p_i × N / 100) devices of the
/// target order (at least one), so with 1,10,50,100 over 50 devices the waves cover 1, 5, 25 and 50 devices.
/// </summary>
internal static class RolloutPlan
{
    public const int MaxWaves = 20;

    /// <summary>The cumulative number of devices each wave covers, for a target set of <paramref name="devices"/>.</summary>
    public static IReadOnlyList<int> CumulativeSizes(IReadOnlyList<decimal> waves, int devices)
    {
        ArgumentNullException.ThrowIfNull(waves);
        return [.. waves.Select(p => Math.Min(devices, Math.Max(1, (int)Math.Ceiling(p * devices / 100m))))];
    }

    /// <summary>Reads <c>--waves</c>: comma-separated percentages, strictly increasing, each in (0, 100], the last 100.</summary>
    public static IReadOnlyList<decimal>? ParseWaves(string text, out string? problem)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var waves = new List<decimal>();
        foreach (var part in parts)
        {
            if (!decimal.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) || p <= 0 || p > 100)
            {
                problem = $"--waves '{text}': '{part}' is not a percentage in (0, 100]";
                return null;
            }

            if (waves.Count > 0 && p <= waves[^1])
            {
                problem = $"--waves '{text}': percentages must increase strictly (they are cumulative shares of the target set)";
                return null;
            }

            waves.Add(p);
        }

        problem = waves.Count > MaxWaves ? $"--waves '{text}': at most {MaxWaves} waves"
            : waves[^1] != 100 ? $"--waves '{text}': the last wave must be 100 (a campaign ends with the whole target set; pause or abort to stop earlier)"
            : null;
        return problem is null ? waves : null;
    }

    public static string FormatWaves(IReadOnlyList<decimal> waves) => string.Join(',', waves.Select(w => w.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// The halt rule: the campaign halts when the failed devices are MORE than <paramref name="haltFailures"/> percent of
    /// the devices directed so far (all waves): failed × 100 &gt; haltFailures × directed. Exactly at the threshold it goes on.
    /// </summary>
    public static bool CrossesHalt(int failed, int directed, decimal haltFailures) => directed > 0 && failed * 100m > haltFailures * directed;

    /// <summary>
    /// The wave gate: a wave whose devices have all finished passes when the committed ones are at least
    /// <paramref name="minSuccess"/> percent of them: committed × 100 ≥ minSuccess × wave devices. An empty wave passes.
    /// </summary>
    public static bool PassesGate(int committed, int waveDevices, decimal minSuccess) => waveDevices == 0 || committed * 100m >= minSuccess * waveDevices;

    public static string Percent(int part, int whole) => whole == 0 ? "0" : (part * 100m / whole).ToString("0.0", CultureInfo.InvariantCulture);
}
