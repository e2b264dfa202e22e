using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Device.Catalog;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Catalog;

/// <summary>Runs the real npm client against the npm registry with a tiny, stable package.</summary>
public sealed class NpmPackageFetcherTests : IDisposable
{
    internal const string IsNumberIndexSha256 = "04255e482e181687823a95b207802ddd32e746c65dce4c95a5176fc192735960";

    private static readonly PackageSource IsNumber = new() { Npm = "is-number", Version = "7.0.0", Path = "index.js" };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ExtractAsync_FileInPackage_WritesItsExactBytes()
    {
        using var package = await new NpmPackageFetcher().FetchAsync(IsNumber, CancellationToken.None);
        var destination = _temp.Combine("index.js");

        await package.ExtractAsync("index.js", destination, CancellationToken.None);

        Assert.Equal(IsNumberIndexSha256, await ModelCache.Sha256OfFileAsync(destination, CancellationToken.None));
    }

    [Fact]
    public async Task ExtractAsync_PathNotInPackage_ThrowsNamingPackageAndPath()
    {
        using var package = await new NpmPackageFetcher().FetchAsync(IsNumber, CancellationToken.None);

        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => package.ExtractAsync("dist/model.onnx", _temp.Combine("x"), CancellationToken.None));

        Assert.Equal("npm package is-number@7.0.0 has no file 'dist/model.onnx'", e.Message);
    }

    [Fact]
    public async Task FetchAsync_VersionNotPublished_ThrowsWithNpmsReason()
    {
        var missing = IsNumber with { Version = "999.0.0" };

        var e = await Assert.ThrowsAsync<IOException>(() => new NpmPackageFetcher().FetchAsync(missing, CancellationToken.None));

        Assert.StartsWith("npm pack is-number@999.0.0 failed with exit code", e.Message, StringComparison.Ordinal);
        Assert.Contains("999.0.0", e.Message.Substring("npm pack is-number@999.0.0".Length), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NpmNotInstalled_SaysHowToInstallIt()
    {
        var e = await Assert.ThrowsAsync<IOException>(() => new NpmPackageFetcher("edgeagent-no-such-npm").FetchAsync(IsNumber, CancellationToken.None));

        Assert.Contains("'edgeagent-no-such-npm' was not found or cannot run", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install nodejs npm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_RemovesTheDownloadedTarball()
    {
        var work = Directory.CreateDirectory(_temp.Combine("work")).FullName;
        var package = await new NpmPackageFetcher(workRoot: work).FetchAsync(IsNumber, CancellationToken.None);
        var created = Directory.GetFiles(work, "*.tgz", SearchOption.AllDirectories);

        package.Dispose();

        Assert.Single(created);
        Assert.Empty(Directory.GetFileSystemEntries(work));
    }
}
