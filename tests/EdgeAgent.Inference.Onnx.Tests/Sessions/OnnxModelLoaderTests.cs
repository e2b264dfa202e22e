using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using EdgeAgent.TestKit.Onnx;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Inference.Onnx.Tests.Sessions;

public sealed class OnnxModelLoaderTests : IDisposable
{
    private static readonly SelfTestVector MlpVector = new()
    {
        Inputs = new Dictionary<string, SelfTestInput> { ["x"] = new() { Shape = [1, 4], Fill = "uniform", Seed = 7, Min = -1, Max = 1 } },
        Tolerance = new SelfTestTolerance { Absolute = 1e-4, Relative = 1e-4 },
    };

    private readonly TempDirectory _temp = new();
    private readonly ListLogger<OnnxModelLoader> _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_GoodModel_LogsProvidersThreadsAndTimings()
    {
        var model = TinyModels.Conv();

        using var session = Loader().Load(model.ToCatalogEntry(), model.WriteTo(_temp.Path));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(3000, entry.EventId.Id);
        Assert.Contains($"Loaded model tiny-conv (sha256 {model.Sha256}) with providers [cpu], 1 intra-op thread(s), optimisation all", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProviderNotInThisBuild_WarnsAndFallsBackToCpu()
    {
        var model = TinyModels.Mlp();
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1, ExecutionProviders = ["cuda", "cpu"] }, _log);

        using var session = loader.Load(model.ToCatalogEntry(), model.WriteTo(_temp.Path));

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Execution provider cuda requested for model tiny-mlp is not available", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.Contains("with providers [cpu]", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_FileWhoseInputDiffersFromCatalog_IsRefusedSayingWhatWasExpected()
    {
        var file = TinyModels.MlpVariant("tiny-mlp", inputType: "int64").WriteTo(_temp.Path);

        var e = Assert.Throws<ModelRefusedException>(() => Loader().Load(TinyModels.Mlp().ToCatalogEntry(), file));

        Assert.Equal(["input 'x' has element type int64; expected float32"], e.Problems);
        Assert.Equal("model 'tiny-mlp' refused: input 'x' has element type int64; expected float32", e.Message);
    }

    [Fact]
    public void Load_FileThatIsNotOnnx_IsRefused()
    {
        var path = _temp.Combine("broken.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);

        var e = Assert.Throws<ModelRefusedException>(() => Loader().Load(TinyModels.Mlp().ToCatalogEntry(), path));

        Assert.StartsWith($"ONNX Runtime cannot load {path}:", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SelfTestRecordedEarlier_Passes()
    {
        var model = TinyModels.Mlp();
        var path = model.WriteTo(_temp.Path);
        SelfTestVector recorded;
        using (var first = Loader().Load(model.ToCatalogEntry() with { SelfTest = MlpVector }, path))
        {
            recorded = OnnxModelLoader.RecordSelfTest(first, MlpVector);
        }

        using var session = Loader().Load(model.ToCatalogEntry() with { SelfTest = recorded }, path);

        Assert.Equal([1L, 3L], recorded.Expected["y"].Shape);
        Assert.Equal(1.0, recorded.Expected["y"].Samples.Sum(s => s[1]), 5);
    }

    [Fact]
    public void Load_ModelThatFailsItsSelfTest_IsRefusedNamingTheOutput()
    {
        var model = TinyModels.Mlp();
        var path = model.WriteTo(_temp.Path);
        SelfTestVector recorded;
        using (var first = Loader().Load(model.ToCatalogEntry() with { SelfTest = MlpVector }, path))
        {
            recorded = OnnxModelLoader.RecordSelfTest(first, MlpVector);
        }

        // The same vector against a model with other weights (the conv model cannot stand in: other tensors), so
        // shift the expectation instead: the model now "behaves differently" from what was recorded.
        var y = recorded.Expected["y"];
        var shifted = recorded with { Expected = new Dictionary<string, SelfTestExpectation> { ["y"] = y with { Mean = y.Mean + 0.01 } } };

        var e = Assert.Throws<ModelRefusedException>(() => Loader().Load(model.ToCatalogEntry() with { SelfTest = shifted }, path));

        Assert.StartsWith("self-test output 'y' mean is 0.3333333; expected 0.3433333", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoSessions_ShareTheProcessArena()
    {
        var model = TinyModels.Conv();
        var path = model.WriteTo(_temp.Path);

        using var first = Loader().Load(model.ToCatalogEntry(), path);
        using var second = Loader().Load(model.ToCatalogEntry(), path);

        // The second registration would throw (one arena per device): both load, both say they use the shared one.
        Assert.All(_log.Entries, e => Assert.Contains("arena shared:", e.Message, StringComparison.Ordinal));
        Assert.Equal(2, _log.Entries.Count);
    }

    [Fact]
    public void Load_ArenaOff_SaysSoAndRuns()
    {
        var model = TinyModels.Mlp();
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1, EnableCpuArena = false }, _log);

        using var session = loader.Load(model.ToCatalogEntry(), model.WriteTo(_temp.Path));

        Assert.Contains("arena off", Assert.Single(_log.Entries).Message, StringComparison.Ordinal);
    }

    private OnnxModelLoader Loader() => new(new OnnxRuntimeOptions { IntraOpThreads = 1 }, _log);
}
