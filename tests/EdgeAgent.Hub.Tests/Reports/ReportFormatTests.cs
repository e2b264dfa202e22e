using System.Text;
using System.Text.Json;
using CsvHelper;
using EdgeAgent.Hub.Charts;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.Hub.Registry;

namespace EdgeAgent.Hub.Tests.Reports;

/// <summary>The report command end to end over the golden fleet, in every format.</summary>
public sealed class ReportFormatTests(GoldenFleetFixture fixture) : IClassFixture<GoldenFleetFixture>
{
    private string Out(string name) => Path.Combine(fixture.Fleet.Dir, name);

    [Fact]
    public async Task Json_SalesAward_RoundTripsTheFigures()
    {
        var result = await ReportAsync("sales-award", "json", "sales.json");

        Assert.True(result.Code == 0, result.Error);
        var read = JsonSerializer.Deserialize(File.ReadAllText(Out("sales.json")), ReportJsonContext.Default.SalesAwardReport)!;
        var computed = SalesAward.Compute(fixture.Inputs, FixtureFleet.Profile, 2025, null, FixtureFleet.Header(fixture.Inputs));
        Assert.Equal(computed.Enterprises.Select(e => (e.EnterpriseId, e.AwardCny, e.AwardBeforeCapCny)), read.Enterprises.Select(e => (e.EnterpriseId, e.AwardCny, e.AwardBeforeCapCny)));
        Assert.Equal(computed.Reconciliation, read.Reconciliation);
        Assert.Equal("hz-2025-draft", read.Header.ProfileId);
    }

    [Fact]
    public async Task Csv_Voucher_TablesCarryTheFigures()
    {
        var result = await ReportAsync("compute-voucher", "csv", "voucher.csv");

        Assert.True(result.Code == 0, result.Error);
        using var csv = CsvReader.FromText(File.ReadAllText(Out("voucher.csv")), CsvReaderOptions.Default with { HasHeader = false, Separator = ',' });
        string[]? header = null;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var cells = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToArray();
            if (cells[0] == "table")
            {
                header = cells;
            }
            else
            {
                rows.Add(header!.Zip(cells).ToDictionary(x => x.First, x => x.Second));
            }
        }

        var entA = rows.Single(r => r["table"] == "enterprises" && r["enterprise_id"] == "ent-a");
        Assert.Equal(("9200000.00", "8000000.00", "yes", "8050000.00"), (entA["city_before_cap_cny"], entA["city_cny"], entA["city_cap_binding"], entA["total_cny"]));
        Assert.Equal("-100", rows.Single(r => r["table"] == "contracts" && r["contract_id"] == "CC-A1")["variance_calls"]);
        Assert.Equal("hz-2025-draft", rows.Single(r => r["table"] == "report")["profile_id"]);
        Assert.Contains(rows, r => r["table"] == "integrity_roots" && r["device_id"] == "B1");
    }

    [Fact]
    public async Task Html_Pilot_SelfContainedWithChartJsAndFigures()
    {
        var result = await ReportAsync("pilot", "html", "pilot.html", "--product", "pb", "--site", "site-1");

        Assert.True(result.Code == 0, result.Error);
        var html = File.ReadAllText(Out("pilot.html"));
        Assert.Contains(ChartJs.Script, html, StringComparison.Ordinal);
        Assert.Contains("new Chart(document.getElementById(\"fault-pareto\")", html, StringComparison.Ordinal);
        Assert.Contains("<td>9.4167</td>", html, StringComparison.Ordinal); // MTBF of (pb, site-1)
        Assert.Contains("field data", html, StringComparison.Ordinal);
        Assert.Contains("hz-2025-draft version 2025.1-draft", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_SalesAward_RealPdfFromChromium()
    {
        Assert.True(File.Exists(ChromiumPdf.DefaultChromium), "chromium is a test dependency (build.cake's Test target installs the Debian package)");

        var result = await ReportAsync("sales-award", "pdf", "sales.pdf");

        Assert.True(result.Code == 0, result.Error);
        var bytes = File.ReadAllBytes(Out("sales.pdf"));
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
        Assert.True(bytes.Length > 10_000, $"a {bytes.Length}-byte PDF is too small to hold the report");
    }

    [Fact]
    public async Task Pdf_ChromiumMissing_ClearErrorExit1()
    {
        var result = await ReportAsync("sales-award", "pdf", "none.pdf", "--chromium", "/nonexistent/chromium");

        Assert.Equal(1, result.Code);
        Assert.Contains("apt-get install chromium", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--product", "nope", "--product 'nope' is not in the registry")]
    [InlineData("--profile", "hz-2099", "hz-2099.json")]
    public async Task Report_BadFilterOrProfile_Exit2NamingIt(string option, string value, string expected)
    {
        var result = await ReportAsync("sales-award", "json", "bad.json", option, value);

        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ReportAndImportVerbs_Described()
    {
        foreach (var verb in new[] { new[] { "report", "pilot" }, ["report", "sales-award"], ["report", "compute-voucher"], ["import", "serials"] })
        {
            var result = await HubCliRunner.RunAsync([.. verb, "--help"]);
            Assert.Equal(0, result.Code);
            Assert.Contains("--db", result.Output, StringComparison.Ordinal);
        }

        Assert.Equal(ImportKinds.All.Count, ImportCommand.Build().Subcommands.Count);
    }

    private Task<(int Code, string Output, string Error)> ReportAsync(string kind, string format, string file, params string[] more) =>
        HubCliRunner.RunAsync(["report", kind, "--year", "2025", "--format", format, "--out", Out(file), "--db", fixture.Fleet.Db, .. more]);
}
