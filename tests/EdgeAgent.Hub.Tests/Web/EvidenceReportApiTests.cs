using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>One seeded hub for the evidence-report API tests (they only read), with one logged-in client per account (logins are rate-limited per address).</summary>
public sealed class SeededFleetFixture : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    internal SeededFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await SeededFleet.StartAsync();

    /// <summary>The client logged in as <paramref name="user"/>; the fixture disposes it.</summary>
    internal async Task<HttpClient> ClientAsync(string user)
    {
        if (!_clients.TryGetValue(user, out var http))
        {
            _clients[user] = http = await Fleet.ClientAsync(user);
        }

        return http;
    }

    public async Task DisposeAsync()
    {
        foreach (var http in _clients.Values)
        {
            http.Dispose();
        }

        await Fleet.DisposeAsync();
    }
}

/// <summary><c>GET /api/v1/reports/{sales-award|pilot|compute-voucher}</c> over the seeded fleet: every format, the CLI's bytes, and tenancy.</summary>
public sealed class EvidenceReportApiTests(SeededFleetFixture fixture) : IClassFixture<SeededFleetFixture>
{
    /// <summary>Everything of enterprise B in the seed: ids, names, serials, invoices, contracts, its site.</summary>
    private static readonly string[] OfEnterpriseB = ["ORG-B", "Enterprise B", "drone-b", "Drone B", "DB-0001", "INV-B1", "PAY-B1", "CC-B1", "CI-B1", "cloud-b", "SITE-2", "Site two", "flight_min"];

    private static readonly string[] OfEnterpriseA = ["ORG-A", "Enterprise A", "glasses-a", "Glasses A", "GA-0001", "GA-0002", "INV-A1", "CC-A1", "cloud-a", "latency_ms"];

    private SeededFleet Fleet => fixture.Fleet;

    public static TheoryData<string, string> KindsAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in EvidenceReports.Kinds)
        {
            foreach (var format in EvidenceReports.Formats)
            {
                data.Add(kind, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndFormats))]
    public async Task EvidenceReport_AdminEveryKindAndFormat_DownloadsTheReport(string kind, string format)
    {
        Assert.True(File.Exists(ChromiumPdf.DefaultChromium), "chromium is a test dependency (apt-get install chromium)");
        var http = await fixture.ClientAsync(SeededFleet.Admin);

        using var response = await http.GetAsync(new Uri($"/api/v1/reports/{kind}?year=2025&format={format}", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{kind} {format}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal($"edgehub-{kind}-2025.{format}", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(EvidenceReports.ContentType(format), response.Content.Headers.ContentType?.ToString());
        var text = Encoding.UTF8.GetString(bytes);
        switch (format)
        {
            case "json":
                using (var json = JsonDocument.Parse(bytes))
                {
                    Assert.Equal(kind, json.RootElement.GetProperty("header").GetProperty("kind").GetString());
                    Assert.Equal("hz-2025-draft", json.RootElement.GetProperty("header").GetProperty("profile_id").GetString());
                }

                break;
            case "csv":
                Assert.StartsWith("table,kind,title,year", text, StringComparison.Ordinal);
                Assert.Contains($"report,{kind},", text, StringComparison.Ordinal);
                break;
            case "html":
                Assert.StartsWith("<!DOCTYPE html>", text, StringComparison.Ordinal);
                Assert.Contains("hz-2025-draft version", text, StringComparison.Ordinal);
                break;
            default:
                Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
                Assert.True(bytes.Length > 10_000, $"a {bytes.Length}-byte PDF is too small to hold the report");
                break;
        }

        // Both enterprises are in an admin's report.
        var (a, b) = kind switch { SalesAward.Kind => ("ORG-A", "ORG-B"), Pilot.Kind => ("GA-0001", "DB-0001"), _ => ("CC-A1", "CC-B1") };
        if (format != "pdf")
        {
            Assert.Contains(a, text, StringComparison.Ordinal);
            Assert.Contains(b, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("html")]
    public async Task SalesAward_Admin_SameBytesAsEdgehubReport(string format)
    {
        var http = await fixture.ClientAsync(SeededFleet.Admin);
        async Task<string> GeneratedAtAsync()
        {
            using var json = JsonDocument.Parse(await http.GetByteArrayAsync(new Uri("/api/v1/reports/sales-award?year=2025&format=json", UriKind.Relative)));
            return json.RootElement.GetProperty("header").GetProperty("generated_at").GetString()!;
        }

        // The report states when it was generated, which the CLI must be given to write the same bytes. The JSON asked just
        // before and just after brackets it; a pair that straddles a tick of that time is asked again.
        byte[] api;
        string before, stated;
        var attempts = 0;
        do
        {
            Assert.True(++attempts <= 5, "the stated generation time changed across every one of 5 bracketed requests");
            before = await GeneratedAtAsync();
            api = await http.GetByteArrayAsync(new Uri($"/api/v1/reports/sales-award?year=2025&format={format}", UriKind.Relative));
            stated = await GeneratedAtAsync();
        }
        while (before != stated);

        var generated = DateTimeOffset.Parse(stated, CultureInfo.InvariantCulture);
        var outPath = Path.Combine(Path.GetDirectoryName(Fleet.Hub.DatabasePath)!, $"cli-sales.{format}");

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ReportCommand.Build(new FakeTimeProvider(generated)).Parse(["sales-award", "--year", "2025", "--format", format, "--out", outPath, "--db", Fleet.Hub.DatabasePath])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(code == 0, error.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(outPath), api);
    }

    [Theory]
    [InlineData(SeededFleet.TeamA, "sales-award")]
    [InlineData(SeededFleet.TeamA, "pilot")]
    [InlineData(SeededFleet.TeamA, "compute-voucher")]
    [InlineData(SeededFleet.TeamB, "sales-award")]
    [InlineData(SeededFleet.TeamB, "compute-voucher")]
    public async Task EvidenceReport_ProductTeam_ItsEnterpriseAndNothingOfTheOther(string user, string kind)
    {
        var http = await fixture.ClientAsync(user);
        var (mine, theirs) = user == SeededFleet.TeamA ? (OfEnterpriseA, OfEnterpriseB) : (OfEnterpriseB, OfEnterpriseA);

        foreach (var format in new[] { "json", "csv", "html" })
        {
            using var response = await http.GetAsync(new Uri($"/api/v1/reports/{kind}?year=2025&format={format}", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user} {kind} {format}: {(int)response.StatusCode} {text}");
            Assert.Contains(mine[0], text, StringComparison.Ordinal);
            foreach (var other in theirs)
            {
                Assert.False(text.Contains(other, StringComparison.Ordinal), $"{user}: {kind} {format} shows '{other}' of the other enterprise");
            }
        }
    }

    [Fact]
    public async Task SalesAward_ProductTeam_FiguresAndDigestsOverItsOwnRowsOnly()
    {
        var admin = await fixture.ClientAsync(SeededFleet.Admin);
        var teamA = await fixture.ClientAsync(SeededFleet.TeamA);

        using var all = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/v1/reports/sales-award?year=2025&format=json", UriKind.Relative)));
        using var own = JsonDocument.Parse(await teamA.GetStringAsync(new Uri("/api/v1/reports/sales-award?year=2025&format=json", UriKind.Relative)));

        static JsonElement Enterprise(JsonDocument d, string id) => d.RootElement.GetProperty("enterprises").EnumerateArray().Single(e => e.GetProperty("enterprise_id").GetString() == id);
        static Dictionary<string, long> Rows(JsonDocument d) => d.RootElement.GetProperty("header").GetProperty("inputs").EnumerateArray()
            .ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("rows").GetInt64());
        Assert.Equal(Enterprise(all, "ORG-A").GetRawText(), Enterprise(own, "ORG-A").GetRawText());
        Assert.Single(own.RootElement.GetProperty("enterprises").EnumerateArray());
        Assert.Equal("GA-0001", Assert.Single(own.RootElement.GetProperty("reconciliation").EnumerateArray()).GetProperty("serial").GetString());
        Assert.Equal(["GA-0001", "GA-0002"], own.RootElement.GetProperty("header").GetProperty("integrity_roots").EnumerateArray().Select(r => r.GetProperty("device_id").GetString()));
        Assert.Equal((2, 1, 1), (Rows(all)["invoice_lines"], Rows(own)["invoice_lines"], Rows(own)["compute_contracts"]));
        Assert.Equal(11, Rows(own)["records"]); // GA-0001: 6, GA-0002: 5
    }

    [Theory]
    [InlineData("sales-award")]
    [InlineData("compute-voucher")]
    public async Task EvidenceReport_SiteAccountOtherThanPilot_403(string kind)
    {
        var http = await fixture.ClientAsync(SeededFleet.Site1);

        using var response = await http.GetAsync(new Uri($"/api/v1/reports/{kind}?year=2025&format=json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("pilot", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pilot_SiteAccount_OnlyItsSite()
    {
        var http = await fixture.ClientAsync(SeededFleet.Site1);

        var text = await http.GetStringAsync(new Uri("/api/v1/reports/pilot?year=2025&format=json", UriKind.Relative));
        using var json = JsonDocument.Parse(text);

        var group = Assert.Single(json.RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal(("glasses-a", "SITE-1"), (group.GetProperty("product_id").GetString(), group.GetProperty("site_id").GetString()));
        Assert.Equal("GA-0001", Assert.Single(json.RootElement.GetProperty("units").EnumerateArray()).GetProperty("serial").GetString());
        Assert.Equal(["GA-0001"], json.RootElement.GetProperty("header").GetProperty("integrity_roots").EnumerateArray().Select(r => r.GetProperty("device_id").GetString()));
        foreach (var other in OfEnterpriseB.Append("GA-0002"))
        {
            Assert.False(text.Contains(other, StringComparison.Ordinal), $"site-1's pilot report shows '{other}'");
        }
    }

    [Fact]
    public async Task ReportKinds_SiteAccount_PilotButNotSalesAwardOrVoucher()
    {
        var site = await fixture.ClientAsync(SeededFleet.Site1);
        var admin = await fixture.ClientAsync(SeededFleet.Admin);

        static async Task<List<string>> Kinds(HttpClient http)
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/reports", UriKind.Relative)));
            return [.. json.RootElement.EnumerateArray().Select(k => k.GetProperty("kind").GetString()!)];
        }

        Assert.Equal(["records", "rejections", "pilot"], await Kinds(site));
        Assert.Equal(["records", "rejections", "sales-award", "pilot", "compute-voucher"], await Kinds(admin));
    }

    [Theory]
    [InlineData("sales-award")]
    [InlineData("pilot")]
    [InlineData("compute-voucher")]
    public async Task EvidenceReport_NoYear_400NamingYear(string kind)
    {
        var http = await fixture.ClientAsync(SeededFleet.Auditor);

        using var response = await http.GetAsync(new Uri($"/api/v1/reports/{kind}?format=json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("year: required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sales-award?year=2025&site=SITE-1", "site: the sales-award report has no site filter")]
    [InlineData("pilot?year=2025&product=nope", "product 'nope' is not in the registry")]
    public async Task EvidenceReport_BadFilter_400NamingIt(string query, string expected)
    {
        var http = await fixture.ClientAsync(SeededFleet.Admin);

        using var response = await http.GetAsync(new Uri($"/api/v1/reports/{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
