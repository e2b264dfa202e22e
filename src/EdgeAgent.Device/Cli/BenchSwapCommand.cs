using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Inference.Onnx.Benchmarks;
using EdgeAgent.Inference.Onnx.Sessions;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent bench swap</c>: the worst call during a hot swap against the steady-state p99, in one run.</summary>
internal static class BenchSwapCommand
{
    public static Command Build()
    {
        var catalog = new CatalogOptions();
        var model = new Option<string>("--model") { Description = "The catalog model to run and swap (it needs a self-test vector). Default silero-vad.", DefaultValueFactory = _ => "silero-vad" };
        var rate = BoundedOption.Int("--rate", "Calls per second of the steady caller.", 200, 1, 10_000);
        var swaps = BoundedOption.Int("--swaps", "Swaps, one a second after a second of steady state.", 10, 1, 1_000);
        var output = new Option<FileInfo?>("--out") { Description = "Also write the results as JSON to this file." };
        var command = new Command(
            "swap",
            "Measure the hot swap on this machine: one thread calls the model at --rate through the agent's swappable session " +
            "while, once a second, a standby session is staged as an update stages it (load, signature check, self-test) and " +
            "swapped in. Prints the steady-state p50/p99 (calls overlapping no swap), the worst call overlapping a swap window " +
            "(staging to 100 ms after the swap), their ratio, and failed calls.");
        catalog.AddTo(command);
        foreach (var option in new Option[] { model, rate, swaps, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) => await ModelsCommand.Guard(parse, async (stdout, stderr) =>
        {
            var all = catalog.LoadCatalog(parse);
            var name = parse.GetValue(model)!;
            var entry = all.Find(name) ?? throw new ModelNotInCatalogException(name, all);
            var cache = catalog.OpenCache(parse);
            var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 });
            using (await loader.LoadAsync(cache, entry, ct).ConfigureAwait(false))
            {
                // Loaded once through the cache so the file is fetched and its hash checked; the benchmark loads it by path.
            }

            var r = await SwapBenchmark.RunAsync(loader, entry, cache.FilesOf(entry)[0].LocalPath, parse.GetValue(rate), parse.GetValue(swaps), TimeProvider.System, stderr, ct).ConfigureAwait(false);
            await stdout.WriteLineAsync(
                $"{r.Model}: {r.Calls} calls at {r.Achieved:F1}/s, {r.Failed} failed, {r.Swaps} swaps (standby staged in {r.StageMs:F1} ms); " +
                $"steady p50 {r.SteadyP50Ms:F3} ms, p99 {r.SteadyP99Ms:F3} ms; worst call during a swap {r.SwapMaxMs:F3} ms ({r.Ratio:F2}x the steady p99)").ConfigureAwait(false);
            if (parse.GetValue(output) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(r, SwapBenchJsonContext.Default.SwapBenchmarkResult), ct).ConfigureAwait(false);
            }

            return r.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}

// Source-generated, so that the NativeAOT agent writes it too (reflection-based serialisation is not available there).
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SwapBenchmarkResult))]
internal sealed partial class SwapBenchJsonContext : JsonSerializerContext;
