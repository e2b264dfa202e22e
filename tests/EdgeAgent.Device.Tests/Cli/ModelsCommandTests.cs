using EdgeAgent.Device.Catalog;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Tests.Catalog;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Cli;

/// <summary>
/// <c>edgeagent models ...</c> as a user runs it, with a catalog that pins a tiny real npm package so the whole fetch,
/// verify and refuse path runs against the registry.
/// </summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ModelsCommandTests() => WriteCatalog(NpmPackageFetcherTests.IsNumberIndexSha256);

    public void Dispose() => _temp.Dispose();

    private string CatalogPath => _temp.Combine("catalog.json");

    private string CachedFile => _temp.Combine(".cache", "is-number", "index.js");

    [Fact]
    public async Task Fetch_EmptyCache_FetchesAndVerifies()
    {
        var (code, output, error) = await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("fetching is-number@7.0.0 for is-number", output, StringComparison.Ordinal);
        Assert.Contains("is-number: model fetched and verified (index.js)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(CachedFile));
    }

    [Fact]
    public async Task Fetch_CorruptCacheFile_IsDetectedAndFetchedAgain()
    {
        await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath);
        await File.WriteAllTextAsync(CachedFile, "module.exports = 42;");

        var (code, output, _) = await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("is-number: cached model is corrupt", output, StringComparison.Ordinal);
        Assert.Contains("is-number: model fetched and verified", output, StringComparison.Ordinal);
        Assert.NotEqual("module.exports = 42;", await File.ReadAllTextAsync(CachedFile));
    }

    [Fact]
    public async Task Fetch_WrongPinnedHash_ExitsWith3NamingModelExpectedAndActual()
    {
        var wrong = new string('a', 64);
        WriteCatalog(wrong);

        var (code, _, error) = await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains(
            $"model 'is-number': index.js from is-number@7.0.0 has sha256 {NpmPackageFetcherTests.IsNumberIndexSha256}, but the catalog pins {wrong}",
            error,
            StringComparison.Ordinal);
        Assert.False(File.Exists(CachedFile));
    }

    [Fact]
    public async Task Fetch_ModelNotInCatalog_ExitsWith3ListingKnownModels()
    {
        var (code, _, error) = await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath, "--model", "yolo");

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains("model 'yolo' is not in the catalog; known: is-number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_BadCatalog_ExitsWith3NamingTheField()
    {
        await File.WriteAllTextAsync(CatalogPath, """{ "schema": 7, "models": [] }""");

        var (code, _, error) = await AgentCli.RunAsync("models", "list", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains($"{CatalogPath}: $.schema: is 7; this build reads schema 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NotFetched_ExitsWith3AndSaysHowToFetch()
    {
        var (code, output, error) = await AgentCli.RunAsync("models", "verify", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains("is-number: model not fetched", error, StringComparison.Ordinal);
        Assert.Contains("run 'edgeagent models fetch --model is-number'", error, StringComparison.Ordinal);
        Assert.Contains("0 of 1 model(s) verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AfterFetch_ShowsVerified()
    {
        await AgentCli.RunAsync("models", "fetch", "--catalog", CatalogPath);

        var (code, output, _) = await AgentCli.RunAsync("models", "list", "--catalog", CatalogPath);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"is-number\s+test\s+MIT\s+verified\s+is-number@7\.0\.0/index\.js", output);
    }

    [Theory]
    [InlineData("models")]
    [InlineData("models", "fetch")]
    [InlineData("models", "verify")]
    [InlineData("models", "list")]
    public async Task Help_EveryVerb_DescribesItself(params string[] verb)
    {
        var (code, output, _) = await AgentCli.RunAsync([.. verb, "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("Description:", output, StringComparison.Ordinal);
    }

    private void WriteCatalog(string sha) => File.WriteAllText(CatalogPath, $$"""
        {
          "schema": 1,
          "models": [
            {
              "name": "is-number", "task": "test", "license": "MIT",
              "source": { "npm": "is-number", "version": "7.0.0", "path": "index.js" },
              "sha256": "{{sha}}",
              "inputs": [ { "name": "x", "type": "float32", "shape": [1] } ],
              "outputs": [ { "name": "y", "type": "float32", "shape": [1] } ]
            }
          ]
        }
        """);
}
