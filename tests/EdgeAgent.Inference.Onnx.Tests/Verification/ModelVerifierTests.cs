using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Inference.Onnx.Verification;
using EdgeAgent.TestKit.Catalog;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using Xunit;

namespace EdgeAgent.Inference.Onnx.Tests.Verification;

/// <summary>
/// <see cref="ModelVerifier"/> over a real <see cref="ModelCache"/> filled from a local package folder holding the
/// tiny models, and the real ONNX Runtime reading their signatures.
/// </summary>
public sealed class ModelVerifierTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DirectoryPackageFetcher _fetcher;
    private readonly ModelCache _cache;

    public ModelVerifierTests()
    {
        var package = _dir.Combine("package");
        foreach (var model in TinyModels.All())
        {
            model.WriteTo(package);
        }

        _fetcher = new DirectoryPackageFetcher(package);
        _cache = new ModelCache(_dir.Combine("cache"), _fetcher);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task VerifyAsync_EachTinyModelWithItsOwnEntry_ReportsNothing()
    {
        var entries = TinyModels.All().Select(m => m.ToCatalogEntry()).ToList();
        await _cache.EnsureAsync(entries, progress: null, CancellationToken.None);

        foreach (var entry in entries)
        {
            var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

            Assert.True(problems.Count == 0, $"{entry.Name}: {string.Join(" | ", problems)}");
        }
    }

    [Fact]
    public async Task EnsureAsync_ThreeTinyModelsFromOnePackage_FetchesThePackageOnceAndThenServesFromCache()
    {
        var entries = TinyModels.All().Select(m => m.ToCatalogEntry()).ToList();

        await _cache.EnsureAsync(entries, progress: null, CancellationToken.None);
        await _cache.EnsureAsync(entries, progress: null, CancellationToken.None);

        Assert.Equal([$"{TinyModels.Package}@{TinyModels.PackageVersion}"], _fetcher.FetchedSpecs);
        Assert.Equal(0, _fetcher.OpenPackages);
        foreach (var entry in entries)
        {
            var status = Assert.Single(await _cache.CheckAsync(entry, CancellationToken.None));
            Assert.Equal(CachedFileState.Verified, status.State);
        }
    }

    [Fact]
    public async Task VerifyAsync_EntryWithAnotherInputName_ReportsTheMissingNameAndTheFilesTensor()
    {
        var entry = await FetchedAsync(TinyModels.Mlp());
        entry = entry with { Inputs = [Spec("input", "float32", 1, 4)] };

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal(
            [
                "input 'input' is missing; the file has x float32[1,4]",
                "input 'x' is not in the catalog entry (x float32[1,4])",
            ],
            problems);
    }

    [Fact]
    public async Task VerifyAsync_EntryWithAnotherElementType_ReportsTensorExpectedAndActualType()
    {
        var entry = await FetchedAsync(TinyModels.Mlp());
        entry = entry with { Inputs = [Spec("x", "int64", 1, 4)] };

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal(["input 'x' has element type float32; expected int64"], problems);
    }

    [Fact]
    public async Task VerifyAsync_EntryWithAnotherShape_ReportsTensorExpectedAndActualShape()
    {
        var entry = await FetchedAsync(TinyModels.Conv());
        entry = entry with { Outputs = [Spec("features", "float32", 1, 1, 5, 5)] };

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal(["output 'features' has shape [1,1,3,3]; expected [1,1,5,5]"], problems);
    }

    [Fact]
    public async Task VerifyAsync_EntryFixesADimensionTheFileLeavesSymbolic_ReportsTheFreeDimension()
    {
        var entry = await FetchedAsync(TinyModels.DynamicBatch());
        entry = entry with { Inputs = [Spec("x", "float32", 1, 4)] };

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal(["input 'x' has shape [?,4]; expected [1,4]"], problems);
    }

    [Fact]
    public async Task VerifyAsync_FileWithInt64InputAgainstTheFloatMlpSignature_ReportsTheFilesType()
    {
        // The variant's own bytes and hash, but the catalog still promises the float32 MLP's input.
        var variant = TinyModels.MlpVariant("tiny-mlp-int64", inputType: "int64");
        variant.WriteTo(_fetcher.Root);
        var entry = await FetchedAsync(variant);
        entry = entry with { Inputs = TinyModels.Mlp().Inputs };

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal(["input 'x' has element type int64; expected float32"], problems);
    }

    [Fact]
    public async Task VerifyAsync_ModelNeverFetched_ReportsTheMissingPathAndHowToFetchIt()
    {
        var entry = TinyModels.Mlp().ToCatalogEntry();
        var expectedPath = Path.Combine(_cache.Root, "tiny-mlp", "tiny-mlp.onnx");

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.Equal([$"model not fetched ({expectedPath}); run 'edgeagent models fetch --model tiny-mlp'"], problems);
        Assert.Equal(0, _fetcher.FetchCount);
    }

    [Fact]
    public async Task VerifyAsync_CachedFileCorrupted_ReportsThePathWithActualAndPinnedHashes()
    {
        var entry = await FetchedAsync(TinyModels.Conv());
        var path = _cache.FilesOf(entry)[0].LocalPath;
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        Assert.NotEqual(entry.Sha256, actual);
        Assert.Equal([$"model {path} has sha256 {actual}; the catalog pins {entry.Sha256}"], problems);
    }

    [Fact]
    public async Task VerifyAsync_CachedFileTruncated_ReportsCorruptionNotASignatureError()
    {
        var entry = await FetchedAsync(TinyModels.Mlp());
        var path = _cache.FilesOf(entry)[0].LocalPath;
        await File.WriteAllBytesAsync(path, TinyModels.Mlp().Bytes[..10].ToArray());

        var problems = await ModelVerifier.VerifyAsync(_cache, entry, CancellationToken.None);

        var problem = Assert.Single(problems);
        Assert.StartsWith($"model {path} has sha256 ", problem, StringComparison.Ordinal);
        Assert.EndsWith($"; the catalog pins {entry.Sha256}", problem, StringComparison.Ordinal);
    }

    private async Task<ModelEntry> FetchedAsync(TinyModel model)
    {
        var entry = model.ToCatalogEntry();
        var fetched = await _cache.EnsureAsync([entry], progress: null, CancellationToken.None);
        Assert.All(fetched, s => Assert.Equal(CachedFileState.Verified, s.State));
        return entry;
    }

    private static TensorSpec Spec(string name, string type, params long[] shape) => new() { Name = name, Type = type, Shape = shape };
}
