using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using Microsoft.Playwright;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>The dashboard's Rollouts pages in a real headless Chromium against the seeded fleet with one campaign.</summary>
public sealed class RolloutDashboardTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Rollouts_AdminInChromium_ListsTheCampaignShowsWavesAndDevicesAndPausesIt()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}; install Debian's package: apt-get install -y chromium (build.cake's Test target does)");
        await using var fleet = await SeededFleet.StartAsync();
        var id = fleet.SeedRollout();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fleet.Http.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        var pageErrors = new List<string>();
        page.PageError += (_, e) => pageErrors.Add(e);
        var artifacts = RepositoryRoot.Combine("artifacts", "test");
        Directory.CreateDirectory(artifacts);

        await page.GotoAsync("/");
        await page.FillAsync("#login-user", SeededFleet.Admin);
        await page.FillAsync("#login-password", SeededFleet.Password);
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#devices-enrolled .value")).ToHaveTextAsync("3");

        await page.ClickAsync("nav a:text('Rollouts')");
        await Assertions.Expect(page.Locator("#rollouts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#rollouts-table")).ToContainTextAsync("tiny-test 1.0.0");
        await Assertions.Expect(page.Locator("#rollouts-table")).ToContainTextAsync("product=glasses-a");

        await page.ClickAsync($"#rollouts-table a:text('{id}')");
        await Assertions.Expect(page.Locator("#rollout-title")).ToHaveTextAsync($"Campaign {id}: tiny-test 1.0.0");
        await Assertions.Expect(page.Locator("#rollout-state .value")).ToHaveTextAsync("running");
        await Assertions.Expect(page.Locator("#rollout-waves tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#rollout-device-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#rollout-device-table")).ToContainTextAsync("GA-0001");
        await Assertions.Expect(page.Locator("#rollout-events")).ToContainTextAsync("created for product=glasses-a");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard-rollout.png"), FullPage = true });

        await page.ClickAsync("#rollout-pause");
        await Assertions.Expect(page.Locator("#rollout-state .value")).ToHaveTextAsync("paused");
        await Assertions.Expect(page.Locator("#rollout-events")).ToContainTextAsync("pause by root (API)");
        await page.ClickAsync("#rollout-pause");
        await Assertions.Expect(page.Locator("#rollout-message")).ToContainTextAsync("is paused; pause applies to a running campaign");

        Assert.Empty(pageErrors);
        fleet.Hub.Logs.AssertNoErrors();
    }
}
