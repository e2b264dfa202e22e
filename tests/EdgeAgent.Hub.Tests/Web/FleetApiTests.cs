using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>What the REST API reports about the seeded fleet, against figures worked out from the seed by hand.</summary>
public sealed class FleetApiTests : IAsyncLifetime
{
    private static readonly string Digest = new('a', 64);
    private SeededFleet _fleet = null!;

    public async Task InitializeAsync() => _fleet = await SeededFleet.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Theory]
    [InlineData(SeededFleet.Auditor, 3, 1.5, 3)]
    [InlineData(SeededFleet.TeamA, 2, 1.0, 2)]
    [InlineData(SeededFleet.Site1, 1, 0.5, 1)]
    public async Task Fleet_Role_CountsOnlyItsDevices(string user, int devices, double hours, int rejected)
    {
        var fleet = await GetAsync(user, "/api/v1/fleet");

        Assert.Equal(devices, fleet.GetProperty("devices_enrolled").GetInt32());
        Assert.Equal(devices, fleet.GetProperty("devices_online").GetInt32()); // every device was heard from just now
        Assert.Equal(20, fleet.GetProperty("online_window_minutes").GetInt32());
        var day = Assert.Single(fleet.GetProperty("activations_per_day").EnumerateArray());
        Assert.Equal(("2025-11-29", devices), (day.GetProperty("day").GetString(), day.GetProperty("count").GetInt32()));
        Assert.Equal(hours, fleet.GetProperty("operating_hours").GetDouble()); // 1800 s operate per device
        Assert.Equal(devices, fleet.GetProperty("faults").GetProperty("raised").GetInt32());
        Assert.Equal(devices, fleet.GetProperty("faults").GetProperty("relevant").GetInt32());
        Assert.Equal(rejected, fleet.GetProperty("integrity_failures").GetProperty("total").GetInt32());
        Assert.Equal(rejected, fleet.GetProperty("integrity_failures").GetProperty("per_reason").GetProperty("bad_signature").GetInt32());
    }

    [Fact]
    public async Task Device_Commissioned_TimeQualityClockSyncAndModelVersions()
    {
        var d = await GetAsync(SeededFleet.TeamA, "/api/v1/devices/GA-0001");

        var summary = d.GetProperty("device");
        Assert.Equal(("glasses-a", "ORG-A", "SITE-1", 6, 6), (summary.GetProperty("product_id").GetString(), summary.GetProperty("enterprise_id").GetString(),
            summary.GetProperty("site").GetString(), summary.GetProperty("records").GetInt32(), summary.GetProperty("head_seq").GetInt32()));
        var quality = d.GetProperty("time_quality");
        Assert.Equal((1, 5), (quality.GetProperty("time_sources").GetProperty("ntp").GetInt32(), quality.GetProperty("time_sources").GetProperty("hub").GetInt32()));
        Assert.Equal((1, 5, 0, 0), (quality.GetProperty("placement").GetProperty("synced").GetInt32(), quality.GetProperty("placement").GetProperty("anchored").GetInt32(),
            quality.GetProperty("placement").GetProperty("bounded").GetInt32(), quality.GetProperty("placement").GetProperty("unknown").GetInt32()));
        var sync = d.GetProperty("last_clock_sync");
        Assert.Equal((2, SeededFleet.ActivatedAtMs - 5_000, 20), (sync.GetProperty("seq").GetInt32(), sync.GetProperty("offset_ms").GetInt64(), sync.GetProperty("err_ms").GetInt32()));
        var version = Assert.Single(d.GetProperty("model_versions").EnumerateArray());
        Assert.Equal((Digest, 1, 6, 6), (version.GetProperty("digest").GetString(), version.GetProperty("first_seq").GetInt32(), version.GetProperty("last_seq").GetInt32(), version.GetProperty("records").GetInt32()));
        Assert.Equal("synced", version.GetProperty("first_time").GetProperty("status").GetString());
        var change = Assert.Single(d.GetProperty("model_changes").EnumerateArray());
        Assert.Equal((5, "update"), (change.GetProperty("seq").GetInt32(), change.GetProperty("data").GetProperty("kind").GetString()));
        Assert.Equal(1, d.GetProperty("rejections").GetInt32());
    }

    [Fact]
    public async Task Timeline_Paged_AnchoredTimesAndNextFrom()
    {
        var first = await GetAsync(SeededFleet.Auditor, "/api/v1/devices/GA-0001/records?from=1&limit=3");
        var last = await GetAsync(SeededFleet.Auditor, "/api/v1/devices/GA-0001/records?from=" + first.GetProperty("next_from").GetInt32() + "&limit=3");

        Assert.Equal([1, 2, 3], first.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt32()));
        Assert.Equal(4, first.GetProperty("next_from").GetInt32());
        Assert.Equal([4, 5, 6], last.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt32()));
        Assert.False(last.TryGetProperty("next_from", out _));
        var usage = first.GetProperty("entries")[2];
        Assert.Equal("usage.summary", usage.GetProperty("type").GetString());
        var time = usage.GetProperty("time");
        // est = mono 906000 + offset (activation - 5000), +- err 20
        Assert.Equal(("anchored", SeededFleet.ActivatedAtMs + 901_000, SeededFleet.ActivatedAtMs + 900_980), (time.GetProperty("status").GetString(), time.GetProperty("est_ms").GetInt64(), time.GetProperty("lo_ms").GetInt64()));
        Assert.Equal(1800, usage.GetProperty("data").GetProperty("operate_s").GetInt32());
    }

    [Fact]
    public async Task RecordsReport_ProductTeamJson_ItsRecordsWithExactBytesWhoseHashesMatch()
    {
        using var http = await _fleet.ClientAsync(SeededFleet.TeamA);
        using var response = await http.GetAsync(new Uri("/api/v1/reports/records?format=json&year=2025", UriKind.Relative));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("edgehub-records-2025.json", response.Content.Headers.ContentDisposition?.FileName);
        var records = doc.RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(11, records.Count); // GA-0001: 6, GA-0002: 5 (not commissioned)
        Assert.All(records, r => Assert.StartsWith("GA-", r.GetProperty("device_id").GetString(), StringComparison.Ordinal));
        Assert.All(records, r => Assert.Equal(r.GetProperty("hash").GetString(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(r.GetProperty("record").GetString()!)))));
    }

    [Theory]
    [InlineData("records", "year=2024", 0)]
    [InlineData("records", "year=2025", 17)]
    [InlineData("records", "site=SITE-2", 6)]
    [InlineData("rejections", "", 3)]
    public async Task Report_AuditorCsv_OneRowPerEntryAfterTheFilters(string kind, string query, int rows)
    {
        using var http = await _fleet.ClientAsync(SeededFleet.Auditor);
        using var response = await http.GetAsync(new Uri($"/api/v1/reports/{kind}?format=csv&{query}", UriKind.Relative));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(rows, lines.Length - 1);
    }

    [Theory]
    [InlineData("/api/v1/reports/nope", HttpStatusCode.NotFound, "records, rejections")]
    [InlineData("/api/v1/reports/records?format=pdf", HttpStatusCode.BadRequest, "csv, json")]
    [InlineData("/api/v1/reports/records?year=1999", HttpStatusCode.BadRequest, "2000-2100")]
    public async Task Report_BadKindFormatOrYear_NamesTheAllowedValues(string url, HttpStatusCode status, string allowed)
    {
        using var http = await _fleet.ClientAsync(SeededFleet.Admin);
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(allowed, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetAsync(string user, string url)
    {
        using var http = await _fleet.ClientAsync(user);
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return SeededFleet.Json(body);
    }
}
