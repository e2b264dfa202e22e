using System.Text.RegularExpressions;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Registry;

/// <summary>Every example of Registry/IMPORTS.md imports, in the page's order, through the real command line.</summary>
public sealed partial class ImportsDocumentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Examples_ImportedInPageOrder_EveryOneAccepted()
    {
        var page = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Hub", "Registry", "IMPORTS.md"));
        var blocks = Block().Matches(page).Select(m => (Kind: m.Groups[1].Value, Csv: m.Groups[2].Value)).ToList();
        var db = _dir.Combine("hub.db");

        foreach (var (kind, csv) in blocks)
        {
            var file = _dir.Combine(kind + ".csv");
            File.WriteAllText(file, csv);
            var result = await HubCliRunner.RunAsync("import", kind, file, "--db", db);
            Assert.True(result.Code == 0, $"{kind}: {result.Error}");
            var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            Assert.Contains($"{lines} added", result.Output, StringComparison.Ordinal);
        }

        Assert.Equal(ImportKinds.All.Select(k => k.Name), blocks.Select(b => b.Kind));
    }

    /// <summary>The demo site's registry (what ./build.sh --target=Demo imports) stays importable: every file, in IMPORTS.md's order.</summary>
    [Fact]
    public async Task DemoSiteSamples_ImportedInOrder_EveryLineAccepted()
    {
        var samples = RepositoryRoot.Combine("src", "EdgeAgent.Hub", "Registry", "Samples", "demo-site");
        var db = _dir.Combine("demo.db");
        var imported = 0;
        foreach (var kind in ImportKinds.All.Select(k => k.Name))
        {
            var file = Path.Combine(samples, kind + ".csv");
            if (!File.Exists(file))
            {
                continue;
            }

            var result = await HubCliRunner.RunAsync("import", kind, file, "--db", db);
            Assert.True(result.Code == 0, $"{kind}: {result.Error}");
            imported++;
        }

        Assert.Equal(Directory.GetFiles(samples, "*.csv").Length, imported);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [GeneratedRegex("```csv ([a-z-]+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
