using EdgeAgent.Hub.Charts;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Charts;

public sealed class ChartJsTests
{
    [Fact]
    public void Script_IsThePinnedChartJsBuild()
    {
        var lockFile = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Hub", "Charts", "package-lock.json"));
        var pinned = System.Text.Json.JsonDocument.Parse(lockFile).RootElement.GetProperty("packages").GetProperty("node_modules/chart.js").GetProperty("version").GetString();

        Assert.StartsWith($"/*!\n * Chart.js v{pinned}", ChartJs.Script, StringComparison.Ordinal);
        Assert.True(ChartJs.Script.Length > 100_000);
    }
}
