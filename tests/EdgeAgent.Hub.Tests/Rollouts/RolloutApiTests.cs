using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Rollouts;

/// <summary>The rollout routes of the REST API over the seeded fleet: tenancy on reads, the admin's pause, resume and abort.</summary>
public sealed class RolloutApiTests : IAsyncLifetime
{
    private SeededFleet _fleet = null!;
    private string _campaign = "";

    public async Task InitializeAsync()
    {
        _fleet = await SeededFleet.StartAsync();
        _campaign = _fleet.SeedRollout();
    }

    public async Task DisposeAsync()
    {
        _fleet.Hub.Logs.AssertNoErrors();
        await _fleet.DisposeAsync();
    }

    [Fact]
    public async Task Rollout_Admin_WavesCountsDevicesAndHistory()
    {
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);

        using var doc = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/v1/rollouts/{_campaign}", UriKind.Relative)));

        var c = doc.RootElement;
        Assert.Equal("tiny-test", c.GetProperty("name").GetString());
        Assert.Equal("product=glasses-a", c.GetProperty("target").GetString());
        Assert.Equal(2, c.GetProperty("target_devices").GetInt32());
        Assert.Equal([1, 2], c.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("cumulative").GetInt32()));
        Assert.Equal(["GA-0001", "GA-0002"], c.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("device_id").GetString()).Order(StringComparer.Ordinal));
        Assert.StartsWith("created for product=glasses-a: 2 device(s)", c.GetProperty("events")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollouts_ProductTeamOfAnotherEnterprise_NotListedAndRefused()
    {
        using var teamB = await _fleet.ClientAsync(SeededFleet.TeamB);

        var list = await teamB.GetFromJsonAsync<List<JsonElement>>("/api/v1/rollouts");
        using var one = await teamB.GetAsync(new Uri($"/api/v1/rollouts/{_campaign}", UriKind.Relative));

        Assert.Empty(list!);
        Assert.Equal(HttpStatusCode.Forbidden, one.StatusCode);
    }

    [Fact]
    public async Task Rollout_SiteRole_SeesOnlyItsOwnDevicesOfTheCampaign()
    {
        using var site = await _fleet.ClientAsync(SeededFleet.Site1);

        using var doc = JsonDocument.Parse(await site.GetStringAsync(new Uri($"/api/v1/rollouts/{_campaign}", UriKind.Relative)));

        Assert.Equal(["GA-0001"], doc.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("device_id").GetString()));
        Assert.DoesNotContain("GA-0002", doc.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseResumeAbort_Admin_StateChangesAndWrongTransitions409()
    {
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);

        var paused = await StateAfter(admin, "pause");
        using var pausedAgain = await admin.PostAsync(new Uri($"/api/v1/rollouts/{_campaign}/pause", UriKind.Relative), null);
        var resumed = await StateAfter(admin, "resume");
        var aborted = await StateAfter(admin, "abort");
        using var resumeAborted = await admin.PostAsync(new Uri($"/api/v1/rollouts/{_campaign}/resume", UriKind.Relative), null);
        using var unknown = await admin.PostAsync(new Uri("/api/v1/rollouts/ro-00000000/pause", UriKind.Relative), null);

        Assert.Equal("paused", paused);
        Assert.Equal(HttpStatusCode.Conflict, pausedAgain.StatusCode);
        Assert.Equal("running", resumed);
        Assert.Equal("aborted", aborted);
        Assert.Equal(HttpStatusCode.Conflict, resumeAborted.StatusCode);
        Assert.Contains("is aborted; resume applies to a paused campaign", await resumeAborted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData(SeededFleet.Auditor)]
    [InlineData(SeededFleet.TeamA)]
    [InlineData(SeededFleet.Site1)]
    public async Task Abort_NotAdmin_403AndCampaignGoesOn(string user)
    {
        using var http = await _fleet.ClientAsync(user);

        using var response = await http.PostAsync(new Uri($"/api/v1/rollouts/{_campaign}/abort", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);
        using var doc = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/v1/rollouts/{_campaign}", UriKind.Relative)));
        Assert.Equal("running", doc.RootElement.GetProperty("state").GetString());
    }

    private async Task<string?> StateAfter(HttpClient http, string action)
    {
        using var response = await http.PostAsync(new Uri($"/api/v1/rollouts/{_campaign}/{action}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("state").GetString();
    }
}
