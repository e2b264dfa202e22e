using System.Diagnostics;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Signatures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Inference.Onnx.Sessions;

/// <summary>
/// Puts a catalog model into service: checks its files against their pins, opens an ONNX Runtime session configured
/// from <see cref="OnnxRuntimeOptions"/>, checks the tensors against the catalog, runs the self-test (or a warm-up
/// when the entry has none) and logs how it was loaded. Anything wrong is a <see cref="ModelRefusedException"/>.
/// </summary>
public sealed class OnnxModelLoader(OnnxRuntimeOptions options, ILogger<OnnxModelLoader>? logger = null)
{
    /// <summary>Provider names the options accept, and the name ONNX Runtime reports for each.</summary>
    public static readonly IReadOnlyDictionary<string, string> Providers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cpu"] = "CPUExecutionProvider",
        ["xnnpack"] = "XnnpackExecutionProvider",
        ["cuda"] = "CUDAExecutionProvider",
    };

    private readonly ILogger _logger = logger ?? NullLogger<OnnxModelLoader>.Instance;

    public OnnxRuntimeOptions Options { get; } = options;

    /// <summary>Loads <paramref name="entry"/> from <paramref name="cache"/> after checking every file's hash.</summary>
    public async Task<IInferenceSession> LoadAsync(ModelCache cache, ModelEntry entry, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var s in await cache.CheckAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            switch (s.State)
            {
                case CachedFileState.Missing:
                    problems.Add($"{s.File.Role} not fetched ({s.File.LocalPath}); run 'edgeagent models fetch --model {entry.Name}'");
                    break;
                case CachedFileState.Corrupt:
                    problems.Add($"{s.File.Role} {s.File.LocalPath} has sha256 {s.ActualSha256}; the catalog pins {s.File.Sha256}");
                    break;
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelRefusedException(entry.Name, problems);
        }

        return Load(entry, cache.FilesOf(entry)[0].LocalPath);
    }

    /// <summary>Loads a model file whose hash the caller has already checked.</summary>
    public IInferenceSession Load(ModelEntry entry, string modelPath)
    {
        var started = Stopwatch.GetTimestamp();
        InferenceSession runtime;
        string providers;
        string arena;
        using (var sessionOptions = CreateSessionOptions(entry.Name, out providers, out arena))
        {
            try
            {
                runtime = new InferenceSession(modelPath, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelRefusedException(entry.Name, [$"ONNX Runtime cannot load {modelPath}: {e.Message}"]);
            }
        }

        var problems = SignatureCheck.Compare("input", entry.Inputs, OnnxSignatureReader.ToSpecs(runtime.InputMetadata)).ToList();
        problems.AddRange(SignatureCheck.Compare("output", entry.Outputs, OnnxSignatureReader.ToSpecs(runtime.OutputMetadata)));
        if (problems.Count > 0)
        {
            runtime.Dispose();
            throw new ModelRefusedException(entry.Name, problems);
        }

        var session = new OnnxInferenceSession(entry, runtime);
        var loaded = Stopwatch.GetTimestamp();
        try
        {
            problems.AddRange(entry.SelfTest is { } vector ? RunSelfTest(session, vector) : WarmUp(session));
        }
        catch (Exception e) when (e is InferenceException or ArgumentException)
        {
            problems.Add(e.Message);
        }

        if (problems.Count > 0)
        {
            session.Dispose();
            throw new ModelRefusedException(entry.Name, problems);
        }

        Log.ModelLoaded(_logger, entry.Name, entry.Sha256, providers, Options.IntraOpThreads, Options.GraphOptimization, arena,
            Stopwatch.GetElapsedTime(started, loaded).TotalMilliseconds, Stopwatch.GetElapsedTime(loaded).TotalMilliseconds);
        return session;
    }

    /// <summary>
    /// Feeds the vector's inputs and compares every expected output; returns the differences. A vector without
    /// expectations yet (before <c>models selftest --write</c>) still serves as the warm-up input.
    /// </summary>
    public static IReadOnlyList<string> RunSelfTest(IInferenceSession session, SelfTestVector vector)
    {
        Feed(session, vector);
        session.Run();
        var problems = new List<string>();
        for (var i = 0; i < session.Entry.Outputs.Count; i++)
        {
            var name = session.Entry.Outputs[i].Name;
            if (vector.Expected.TryGetValue(name, out var expected))
            {
                problems.AddRange(SelfTestData.Compare(name, expected, session.Output<float>(i), session.OutputShape(i), vector.Tolerance));
            }
        }

        return problems;
    }

    /// <summary>Runs the vector's inputs and returns the vector with the outputs' fingerprints as its expectations.</summary>
    public static SelfTestVector RecordSelfTest(IInferenceSession session, SelfTestVector vector)
    {
        Feed(session, vector);
        session.Run();
        var expected = new Dictionary<string, SelfTestExpectation>(StringComparer.Ordinal);
        for (var i = 0; i < session.Entry.Outputs.Count; i++)
        {
            if (session.Entry.Outputs[i].Type == "float32")
            {
                expected[session.Entry.Outputs[i].Name] = SelfTestData.Fingerprint(session.Output<float>(i), session.OutputShape(i));
            }
        }

        return vector with { Expected = expected };
    }

    /// <summary>Writes every input of <paramref name="vector"/> into the session's input buffers.</summary>
    internal static void Feed(IInferenceSession session, SelfTestVector vector)
    {
        for (var i = 0; i < session.Entry.Inputs.Count; i++)
        {
            var spec = session.Entry.Inputs[i];
            var input = vector.Inputs[spec.Name];
            var shape = input.Shape.ToArray();
            switch (spec.Type)
            {
                case "float32":
                    SelfTestData.Fill(input, session.Input<float>(i, shape));
                    break;
                case "int64":
                    SelfTestData.Fill(input, session.Input<long>(i, shape));
                    break;
                default:
                    throw new InferenceException($"self-test input '{spec.Name}' is {spec.Type}; self-tests feed float32 and int64 inputs");
            }
        }
    }

    /// <summary>Without a self-test: one run on zeros, free dimensions set to 1, so the first real call is not the slow one.</summary>
    private static IReadOnlyList<string> WarmUp(IInferenceSession session)
    {
        for (var i = 0; i < session.Entry.Inputs.Count; i++)
        {
            var spec = session.Entry.Inputs[i];
            var shape = spec.Shape.Select(d => d < 0 ? 1L : d).ToArray();
            switch (spec.Type)
            {
                case "float32":
                    session.Input<float>(i, shape).Clear();
                    break;
                case "int64":
                    session.Input<long>(i, shape).Clear();
                    break;
                default:
                    return [$"warm-up cannot feed input '{spec.Name}' of type {spec.Type}; give the model a self-test vector"];
            }
        }

        session.Run();
        return [];
    }

    internal SessionOptions CreateSessionOptions(string model, out string providers) => CreateSessionOptions(model, out providers, out _);

    /// <summary>The session options, the providers in use and how the CPU arena is set up (for the load log).</summary>
    internal SessionOptions CreateSessionOptions(string model, out string providers, out string arena)
    {
        arena = "off";
        var so = new SessionOptions
        {
            GraphOptimizationLevel = Options.GraphOptimization switch
            {
                "disabled" => GraphOptimizationLevel.ORT_DISABLE_ALL,
                "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            IntraOpNumThreads = Options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = Options.EnableCpuArena,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        if (Options.EnableCpuArena)
        {
            SharedCpuArena.Ensure();
            arena = "shared";
            so.AddSessionConfigEntry("session.use_env_allocators", "1");
        }

        var available = OrtEnv.Instance().GetAvailableProviders();
        var used = new List<string>();
        foreach (var name in Options.ExecutionProviders.Where(p => p != "cpu"))
        {
            if (!Providers.TryGetValue(name, out var ortName) || !available.Contains(ortName))
            {
                Log.ProviderUnavailable(_logger, name, model, $"available: {string.Join(", ", available)}");
                continue;
            }

            try
            {
                if (name == "cuda")
                {
                    so.AppendExecutionProvider_CUDA();
                }
                else
                {
                    so.AppendExecutionProvider("XNNPACK", new Dictionary<string, string> { ["intra_op_num_threads"] = Math.Max(1, Options.IntraOpThreads).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }

                used.Add(name);
            }
            catch (OnnxRuntimeException e)
            {
                Log.ProviderUnavailable(_logger, name, model, e.Message);
            }
        }

        used.Add("cpu");
        providers = string.Join(", ", used);
        return so;
    }
}
