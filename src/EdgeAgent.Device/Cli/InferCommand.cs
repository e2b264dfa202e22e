using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeAgent.Core.Media;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Device.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using static EdgeAgent.Device.Inference.InferJobs;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent infer</c>: one catalog model family on a file or a directory of files.</summary>
internal static class InferCommand
{
    public static Command Build()
    {
        var catalog = new CatalogOptions();
        var model = new Option<string>("--model")
        {
            Description = "silero-vad, blazeface or ppocr (detection + recognition), a catalog name, or the path of a catalog model's .onnx file.",
            Required = true,
        };
        var input = new Option<string>("--input")
        {
            Description = "A WAV file (silero-vad), an image (blazeface, ppocr: PNG, JPEG, WebP, BMP, GIF), or a directory of them.",
            Required = true,
        };
        var format = new Option<string>("--format") { Description = "json (one object per file) or text.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        var threads = CatalogOptions.Threads("Intra-op threads (0: one per core).", defaultValue: 0, minimum: 0);

        var command = new Command(
            "infer",
            "Run a model on a file or on every supported file of a directory and print the results. Exit codes: 0 ok, " +
            "2 bad input (missing, unreadable or unsupported file), 3 model problem (not in the catalog, not fetched, hash, " +
            "signature or self-test mismatch).");
        catalog.AddTo(command);
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(format);
        command.Options.Add(threads);
        command.SetAction(async (parse, ct) => await ModelsCommand.Guard(parse, async (stdout, stderr) =>
        {
            var path = parse.GetValue(input)!;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                stderr.WriteLine($"error: {path}: no such file or directory");
                return ExitCodes.BadInput;
            }

            var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = parse.GetValue(threads) });
            var usage = new InferenceUsage();
            using var job = await InferJobs.OpenAsync(parse.GetValue(model)!, catalog.LoadCatalog(parse), catalog.OpenCache(parse), loader, usage, ct).ConfigureAwait(false);
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => job.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList()
                : [path];
            var text = parse.GetValue(format) == "text";
            var badInputs = 0;
            var pipeline = new Pipeline<string, InferResult?>(new FileSource(path, files), file =>
            {
                try
                {
                    return job.Run(file);
                }
                catch (MediaFormatException e)
                {
                    stderr.WriteLine($"error: {e.Message}");
                    badInputs++;
                    return null;
                }
            }, [result =>
            {
                if (result is not null)
                {
                    stdout.WriteLine(text ? result.ToText() : result.ToJson(includeFile: files.Count > 1 || Directory.Exists(path)));
                }
            }]);
            await pipeline.RunAsync(ct).ConfigureAwait(false);

            if (text)
            {
                foreach (var m in usage.Snapshot())
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{m.Model}: {m.Calls} call(s), p50 {m.Latency.Percentile(0.5).TotalMilliseconds:F2} ms, p95 {m.Latency.Percentile(0.95).TotalMilliseconds:F2} ms"));
                }
            }

            return badInputs > 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>A source over a fixed list of files; it waits for inference (not live).</summary>
    private sealed class FileSource(string name, IReadOnlyList<string> files) : IFrameSource<string>
    {
        public string Name => name;

        public bool IsLive => false;

        public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var f in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return f;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }
    }

}
