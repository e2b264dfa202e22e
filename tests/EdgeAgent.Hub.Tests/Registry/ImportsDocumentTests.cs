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

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [GeneratedRegex("```csv ([a-z-]+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
