using System.Globalization;

namespace EdgeAgent.Fuzz.Campaign;

/// <summary>
/// afl-fuzz's <c>fuzzer_stats</c> file (AFL++ docs/afl-fuzz_approach.md, "fuzzer_stats"): <c>key : value</c> lines,
/// rewritten while it runs and at its end. AFL++ 4 names crashes and hangs <c>saved_crashes</c>/<c>saved_hangs</c>
/// (<c>unique_crashes</c>/<c>unique_hangs</c> before); both spellings are read.
/// </summary>
internal sealed record FuzzerStats(long ExecsDone, double ExecsPerSecond, long CorpusCount, long Crashes, long Hangs, long RunSeconds)
{
    public static FuzzerStats Read(string path)
    {
        var values = File.ReadAllLines(path)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);

        double Number(params string[] keys) =>
            keys.Select(k => values.TryGetValue(k, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : (double?)null)
                .FirstOrDefault(d => d is not null) ?? throw new InvalidDataException($"{path} has no {string.Join(" or ", keys)}");

        return new FuzzerStats(
            (long)Number("execs_done"),
            Number("execs_per_sec"),
            (long)Number("corpus_count", "paths_total"),
            (long)Number("saved_crashes", "unique_crashes"),
            (long)Number("saved_hangs", "unique_hangs"),
            (long)Number("run_time"));
    }
}
