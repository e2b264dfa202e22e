using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using Microsoft.Playwright;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's <c>chromium</c>, driven by Playwright for .NET) against a hub
/// in-process with the seeded fleet. Screenshots are kept in <c>artifacts/test/</c> under the repository root.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_ProductTeamInChromium_LogsInSeesItsFleetOpensADeviceAndDownloadsAReport()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}; install Debian's package: apt-get install -y chromium (build.cake's Test target does)");
        await using var fleet = await SeededFleet.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            AcceptDownloads = true,
            BaseURL = fleet.Http.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var pageErrors = new List<string>();
        page.PageError += (_, e) => pageErrors.Add(e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                pageErrors.Add(m.Text);
            }
        };

        // Only one refusal is expected: the page asking who is signed in before anyone is.
        var refused = new List<string>();
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                refused.Add($"{r.Request.Method} {new Uri(r.Url).PathAndQuery} {r.Status}");
            }
        };
        var artifacts = RepositoryRoot.Combine("artifacts", "test");
        Directory.CreateDirectory(artifacts);

        // Log in.
        await page.GotoAsync("/");
        await page.FillAsync("#login-user", SeededFleet.TeamA);
        await page.FillAsync("#login-password", SeededFleet.Password);
        await page.ClickAsync("#login-submit");

        // The fleet: only enterprise A's two devices, the activations chart drawn by Chart.js.
        await Assertions.Expect(page.Locator("#devices-enrolled .value")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#devices-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#devices-table")).ToContainTextAsync("GA-0002");
        await Assertions.Expect(page.Locator("#devices-table")).Not.ToContainTextAsync("DB-0001");
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("team-a (product, ORG-A)");
        var plotted = await page.EvaluateAsync<int[]>("() => Chart.getChart(document.getElementById('activations-chart')).data.datasets[0].data");
        Assert.Equal([2], plotted);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });

        // A device: its timeline, model versions, time quality and last clock sync.
        await page.ClickAsync("#devices-table a:text('GA-0001')");
        await Assertions.Expect(page.Locator("#device-title")).ToHaveTextAsync("Device GA-0001");
        await Assertions.Expect(page.Locator("#timeline tbody tr")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("deployment.commissioned");
        await Assertions.Expect(page.Locator("#model-versions")).ToContainTextAsync(new string('a', 64));
        await Assertions.Expect(page.Locator("#time-placement")).ToContainTextAsync("anchored5");
        await Assertions.Expect(page.Locator("#clock-sync")).ToContainTextAsync("2025-11-29 08:00:01 UTC");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard-device.png"), FullPage = true });

        // Reports: every kind the account may have, each with a download per format; the records of the account's devices as CSV.
        await page.ClickAsync("nav a:text('Reports')");
        await Assertions.Expect(page.Locator("section.report")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#report-sales-award-pdf")).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-records-csv"));
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("edgehub-records-all.csv", download.SuggestedFilename);
        Assert.StartsWith("device_id,product_id,seq,type", lines[0], StringComparison.Ordinal);
        Assert.Equal(11, lines.Length - 1); // GA-0001: 6 records, GA-0002: 5
        Assert.DoesNotContain(lines, l => l.StartsWith("DB-", StringComparison.Ordinal));

        // The sales-award evidence for 2025 as CSV: enterprise A's sale, nothing of enterprise B.
        await page.FillAsync("#report-sales-award-year", "2025");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard-reports.png"), FullPage = true });
        var sales = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-sales-award-csv"));
        var csv = await File.ReadAllTextAsync((await sales.PathAsync())!);

        Assert.Equal("edgehub-sales-award-2025.csv", sales.SuggestedFilename);
        Assert.StartsWith("table,kind,title,year", csv, StringComparison.Ordinal);
        Assert.Contains("\r\nenterprises,ORG-A,Enterprise A,", csv, StringComparison.Ordinal);
        Assert.Contains("\r\nreconciliation,GA-0001,glasses-a,INV-A1,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("ORG-B", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("DB-0001", csv, StringComparison.Ordinal);
        Assert.Empty(pageErrors);
        Assert.Equal(["GET /api/v1/session 401"], refused);
        fleet.Hub.Logs.AssertNoErrors();
    }
}
