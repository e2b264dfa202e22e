using EdgeAgent.Fuzz.Campaign;
using EdgeAgent.Fuzz.Targets;

namespace EdgeAgent.Fuzz;

/// <summary>
/// <c>EdgeAgent.Fuzz TARGET</c>: the target under afl-fuzz (SharpFuzz's out-of-process loop reads each input afl gives);
/// <c>EdgeAgent.Fuzz replay TARGET PATH...</c>: inputs (files or folders) run in-process, each finding printed with its
/// exception; <c>EdgeAgent.Fuzz campaign ...</c>: instrument, run afl-fuzz for a bounded time per target, report
/// (<see cref="AflCampaign"/>). Exit codes: 0 clean, 1 findings, 2 bad usage or afl-fuzz could not run.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: EdgeAgent.Fuzz TARGET                      run TARGET under afl-fuzz (SharpFuzz out-of-process)
               EdgeAgent.Fuzz replay TARGET PATH...       run each input file (or every file of a folder) in-process
               EdgeAgent.Fuzz campaign [--targets batch,csv,link] [--seconds 300] [--out artifacts/fuzz] [--repo .]
        targets: batch, csv, link
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 1 && FuzzTargets.IsTarget(args[0]))
        {
            // Created at the first input, not before: instrumented code (the csv target's template import) touches afl's
            // coverage map, which SharpFuzz maps only once its loop runs; earlier it is an access violation.
            IFuzzTarget? target = null;
            try
            {
                SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    target ??= FuzzTargets.Create(args[0])!;
                    target.Run(buffer.ToArray());
                });
            }
            finally
            {
                target?.Dispose();
            }

            return 0;
        }

        if (args.Length >= 3 && args[0] == "replay")
        {
            return Replay(args[1], args[2..]);
        }

        if (args.Length >= 1 && args[0] == "campaign")
        {
            return CampaignOptions.TryParse(args[1..], out var options, out var problem)
                ? AflCampaign.Run(options!, Console.Out)
                : Fail(problem!);
        }

        return Fail(args.Length == 0 ? "no target given" : $"'{string.Join(' ', args)}' is not a command of this harness");
    }

    private static int Replay(string name, string[] paths)
    {
        using var target = FuzzTargets.Create(name);
        if (target is null)
        {
            return Fail($"'{name}' is not a target");
        }

        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        var findings = 0;
        foreach (var file in files)
        {
            if (CorpusReplay.Run(target, File.ReadAllBytes(file)) is { } finding)
            {
                findings++;
                Console.WriteLine($"FINDING {file}: {finding}");
            }
            else
            {
                Console.WriteLine($"ok {file}");
            }
        }

        Console.WriteLine($"{name}: {files.Count} input(s), {findings} finding(s)");
        return findings == 0 ? 0 : 1;
    }

    private static int Fail(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
