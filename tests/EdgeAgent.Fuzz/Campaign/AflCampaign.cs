using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Fuzz.Campaign;

/// <summary>What one target's afl-fuzz run found, and where its findings were copied.</summary>
internal sealed record TargetRun(string Target, FuzzerStats Stats, IReadOnlyList<string> Findings);

/// <summary>
/// A bounded afl-fuzz campaign over the harness (SharpFuzz's recipe, docs and scripts/fuzz.ps1 of Metalnem/sharpfuzz):
/// the harness's build output is copied, the product assemblies in the copy are instrumented with the pinned
/// <c>sharpfuzz</c> tool (the harness itself and SharpFuzz stay plain), and afl-fuzz runs <c>dotnet EdgeAgent.Fuzz.dll
/// TARGET</c> for <see cref="CampaignOptions.Seconds"/> per target (<c>-V</c>) from the target's seed corpus and dictionary.
/// afl's binary check is skipped (the instrumented code is in the assemblies dotnet loads, not in dotnet), and so is its
/// core_pattern check (a container's core dumps go to a pipe; crashes are reported by SharpFuzz, not by core files).
/// </summary>
internal static class AflCampaign
{
    /// <summary>The assemblies whose code is under fuzz: the product ones, and CsvHelper, whose parser the importers drive.</summary>
    public static readonly IReadOnlyList<string> InstrumentedAssemblies = ["EdgeAgent.Contracts.dll", "edgehub.dll", "EdgeAgent.Hardware.dll", "CsvHelper.dll"];

    /// <summary>Runs the campaign and prints the figures per target; 0 when nothing was found, 1 on findings, 2 when afl-fuzz could not run.</summary>
    public static int Run(CampaignOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (CannotRun(options.Repository) is { } reason)
        {
            output.WriteLine($"error: fuzzing cannot run here: {reason}");
            return 2;
        }

        try
        {
            var harness = Instrument(AppContext.BaseDirectory, options, output);
            var runs = options.Targets.Select(t => Fuzz(harness, t, options, output)).ToList();
            output.WriteLine();
            foreach (var run in runs)
            {
                output.WriteLine(Summary(run));
            }

            var findings = runs.Sum(r => r.Findings.Count);
            if (findings > 0)
            {
                output.WriteLine($"error: {findings} finding(s) copied to {Path.Combine(options.Output, "findings")}; each folder's REPRODUCE.txt says how to replay it");
                return 1;
            }

            return 0;
        }
        catch (AflException e)
        {
            output.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Why afl-fuzz or the instrumentation cannot run on this machine (to skip with), or null when both can.</summary>
    public static string? CannotRun(string repository)
    {
        if (FindOnPath("afl-fuzz") is null)
        {
            return "afl-fuzz is not on PATH (Debian package afl++: apt-get install afl++; build.cake's Fuzz and Test targets install it)";
        }

        var tool = Execute("dotnet", ["tool", "run", "sharpfuzz"], repository, TimeSpan.FromMinutes(2));
        return tool.Output.Contains("path-to-assembly", StringComparison.Ordinal)
            ? null
            : $"the pinned sharpfuzz tool does not run in {repository} (dotnet tool restore restores it from .config/dotnet-tools.json): {Tail(tool.Output)}";
    }

    /// <summary>Copies the harness from <paramref name="harnessDirectory"/> to OUT/bin and instruments the product assemblies there; returns the copy.</summary>
    public static string Instrument(string harnessDirectory, CampaignOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var bin = Path.Combine(options.Output, "bin");
        if (Directory.Exists(bin))
        {
            Directory.Delete(bin, recursive: true);
        }

        CopyDirectory(harnessDirectory, bin);
        foreach (var assembly in InstrumentedAssemblies)
        {
            var path = Path.Combine(bin, assembly);
            var result = Execute("dotnet", ["tool", "run", "sharpfuzz", path], options.Repository, TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0)
            {
                throw new AflException($"sharpfuzz {assembly} exited with {result.ExitCode}: {Tail(result.Output)}");
            }

            output.WriteLine($"instrumented {assembly}");
        }

        return bin;
    }

    /// <summary>Runs afl-fuzz on one target for the campaign's time and collects what it found.</summary>
    public static TargetRun Fuzz(string harness, string target, CampaignOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var work = Path.Combine(options.Output, target);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        var afl = Path.Combine(work, "afl");
        var arguments = new List<string>
        {
            "-i", Path.Combine(harness, "Corpus", target), "-o", afl,
            "-t", options.TimeoutMilliseconds.ToString(CultureInfo.InvariantCulture), "-m", "none",
            "-V", options.Seconds.ToString(CultureInfo.InvariantCulture),
        };
        var dictionary = Path.Combine(harness, "Dictionaries", target + ".dict");
        if (File.Exists(dictionary))
        {
            arguments.AddRange(["-x", dictionary]);
        }

        arguments.AddRange(["--", "dotnet", Path.Combine(harness, "EdgeAgent.Fuzz.dll"), target]);
        output.WriteLine($"> afl-fuzz {string.Join(' ', arguments)}");
        var run = Execute("afl-fuzz", arguments, work, TimeSpan.FromSeconds(options.Seconds + 180), AflEnvironment);
        File.WriteAllText(Path.Combine(work, "afl-fuzz.log"), run.Output);
        var statsFile = Path.Combine(afl, "default", "fuzzer_stats");
        if (run.ExitCode != 0 || !File.Exists(statsFile))
        {
            throw new AflException($"afl-fuzz on {target} exited with {run.ExitCode} and {(File.Exists(statsFile) ? "stats" : "no fuzzer_stats")} (log: {Path.Combine(work, "afl-fuzz.log")}): {Tail(run.Output)}");
        }

        var stats = FuzzerStats.Read(statsFile);
        var findings = CopyFindings(target, Path.Combine(afl, "default"), options.Output);
        var result = new TargetRun(target, stats, findings);
        output.WriteLine(Summary(result));
        return result;
    }

    public static string Summary(TargetRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Stats;
        return string.Create(CultureInfo.InvariantCulture,
            $"{run.Target}: {s.ExecsDone} execs in {s.RunSeconds} s ({s.ExecsPerSecond:0.0} execs/s), corpus {s.CorpusCount}, crashes {s.Crashes}, hangs {s.Hangs}");
    }

    private static readonly IReadOnlyDictionary<string, string> AflEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AFL_SKIP_BIN_CHECK"] = "1",
        ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1",
        ["AFL_SKIP_CPUFREQ"] = "1",
        ["AFL_NO_UI"] = "1",
        // A shared machine's cores are all busy: binding to a "free" one fails or steals one from the build.
        ["AFL_NO_AFFINITY"] = "1",
        // dotnet's start (JIT, the csv target's template database) is slow for a fork server, more so under load.
        ["AFL_FORKSRV_INIT_TMOUT"] = "60000",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>Copies afl's crashes and hangs to OUT/findings/TARGET/, each with how to replay it.</summary>
    private static List<string> CopyFindings(string target, string aflDefault, string outputRoot)
    {
        var copied = new List<string>();
        foreach (var kind in new[] { "crashes", "hangs" })
        {
            var folder = Path.Combine(aflDefault, kind);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var findings = Path.Combine(outputRoot, "findings", target);
                Directory.CreateDirectory(findings);
                var name = $"{kind}-{copied.Count:000}";
                var destination = Path.Combine(findings, name);
                File.Copy(file, destination, overwrite: true);
                File.AppendAllText(Path.Combine(findings, "REPRODUCE.txt"),
                    $"{name} (afl: {Path.GetFileName(file)}): dotnet tests/EdgeAgent.Fuzz/bin/Release/net10.0/EdgeAgent.Fuzz.dll replay {target} {destination}\n");
                copied.Add(destination);
            }
        }

        return copied;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);

    private static string Tail(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(8));

    private sealed record Execution(int ExitCode, string Output);

    /// <summary>Runs a program to its end (killed, with its children, past <paramref name="limit"/>), stdout and stderr together.</summary>
    private static Execution Execute(string program, IEnumerable<string> arguments, string directory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new AflException($"{program} did not start");
        var text = new System.Text.StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { lock (gate) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (gate) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new AflException($"{program} ran past {limit.TotalSeconds:0} s and was stopped: {Tail(text.ToString())}");
        }

        process.WaitForExit();
        lock (gate)
        {
            return new Execution(process.ExitCode, text.ToString());
        }
    }
}

/// <summary>afl-fuzz or the instrumentation could not run as asked (not a finding: nothing was fuzzed).</summary>
internal sealed class AflException : Exception
{
    public AflException()
    {
    }

    public AflException(string message)
        : base(message)
    {
    }

    public AflException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
