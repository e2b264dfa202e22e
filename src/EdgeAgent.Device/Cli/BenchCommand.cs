using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Inference.Onnx.Benchmarks;
using EdgeAgent.Inference.Onnx.Sessions;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent bench</c>: the agent's inference path against plain ONNX Runtime on this machine.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var catalog = new CatalogOptions();
        var models = new Option<string[]>("--model")
        {
            Description = "Catalog models to measure (repeatable). Default: every model with a self-test vector.",
            AllowMultipleArgumentsPerToken = true,
        };
        var iterations = new Option<int>("--iterations")
        {
            Description = "Measured calls per side (agent and raw ONNX Runtime) per model.",
            DefaultValueFactory = _ => 10_000,
        };
        var threads = CatalogOptions.Threads("Intra-op threads, the same for both sides.", defaultValue: 1, minimum: 1);
        var output = new Option<FileInfo?>("--out") { Description = "Also write the results as JSON to this file." };
        iterations.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 100 or > 10_000_000)
            {
                r.AddError("--iterations must be between 100 and 10000000");
            }
        });

        var command = new Command(
            "bench",
            "Measure the agent's steady-state inference call (write input, run, read output) against a plain ONNX Runtime C# " +
            "loop on the same model, input and thread count, alternating in rounds; print p50/p95 and their ratio, and the " +
            "gen-0 collections and bytes allocated on the agent's path. `bench evidence` measures the evidence path to the hub instead.");
        catalog.AddTo(command);
        command.Options.Add(models);
        command.Options.Add(iterations);
        command.Options.Add(threads);
        command.Options.Add(output);
        command.Subcommands.Add(BenchEvidenceCommand.Build());
        command.Subcommands.Add(BenchSwapCommand.Build());
        command.SetAction(async (parse, ct) => await ModelsCommand.Guard(parse, async (stdout, stderr) =>
        {
            var all = catalog.LoadCatalog(parse);
            var names = parse.GetValue(models) is { Length: > 0 } chosen ? chosen : [.. all.Models.Where(m => m.SelfTest is not null).Select(m => m.Name)];
            var cache = catalog.OpenCache(parse);
            var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = parse.GetValue(threads) });
            var results = new List<SessionBenchmarkResult>();
            foreach (var name in names)
            {
                var entry = all.Find(name) ?? throw new ModelNotInCatalogException(name, all);
                using var agent = await loader.LoadAsync(cache, entry, ct).ConfigureAwait(false);
                stderr.WriteLine($"benchmarking {name}: {parse.GetValue(iterations)} calls per side, {parse.GetValue(threads)} thread(s)");
                results.Add(SessionBenchmark.Run(loader, agent, cache.FilesOf(entry)[0].LocalPath, parse.GetValue(iterations)));
            }

            stdout.WriteLine(Table(results));
            if (parse.GetValue(output) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(results, BenchJsonContext.Default.ListSessionBenchmarkResult), ct).ConfigureAwait(false);
                stdout.WriteLine($"written to {file.FullName}");
            }

            return ExitCodes.Ok;
        }).ConfigureAwait(false));
        return command;
    }

    private static string Table(IEnumerable<SessionBenchmarkResult> results)
    {
        var lines = new List<string>
        {
            "| model | threads | calls | agent p50 ms | raw p50 ms | p50 ratio | agent p95 ms | raw p95 ms | p95 ratio | agent gen-0 GCs | agent bytes allocated |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Model} | {r.Threads} | {r.Iterations} | {r.Agent.P50:F4} | {r.Raw.P50:F4} | {r.RatioP50:F3} | {r.Agent.P95:F4} | {r.Raw.P95:F4} | {r.RatioP95:F3} | {r.AgentGen0Collections} | {r.AgentAllocatedBytes} |")));
        return string.Join(Environment.NewLine, lines);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<SessionBenchmarkResult>))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
