using System.Net;
using System.Net.Http.Json;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>Role and tenant on every REST API route, walked from the hub's own endpoint list.</summary>
public sealed class ApiAccessTests : IAsyncLifetime
{
    private const string Login = "POST /api/v1/session";
    private const string Logout = "DELETE /api/v1/session";

    /// <summary>A device's enrolment: no account, its one-time token is the credential (tests in Identity/EnrolmentTests).</summary>
    private const string Enrol = "POST /api/v1/enrol";

    /// <summary>Routes that read something other than devices: for the roles that see everything only.</summary>
    private static readonly HashSet<string> FleetWide = ["GET /api/v1/users"];

    private static readonly string[] Users = [SeededFleet.Admin, SeededFleet.Auditor, SeededFleet.TeamA, SeededFleet.TeamB, SeededFleet.Site1];

    /// <summary>Release and artifact downloads: devices fetch them without an account; the signature and the hash prove them (tests in Releases/).</summary>
    private static readonly string[] Downloads = ["GET /api/v1/artifacts/{sha256}", "GET /api/v1/releases", "GET /api/v1/releases/{name}/{version}/release.json"];

    private SeededFleet _fleet = null!;
    private string _campaign = "";

    public async Task InitializeAsync()
    {
        _fleet = await SeededFleet.StartAsync();
        _campaign = _fleet.SeedRollout();
    }

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task EveryRoute_NoSession_401()
    {
        using var anonymous = await _fleet.ClientAsync(null);
        var routes = ApiRoute.Of(_fleet.Hub.Host);
        Assert.Equal([.. Downloads, Enrol, Login], routes.Where(r => r.Anonymous).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        foreach (var route in routes.Where(r => !r.Anonymous))
        {
            using var response = await SendAsync(anonymous, route, route.Url(Values("GA-0001")));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route} without a session: {(int)response.StatusCode}, expected 401");
        }
    }

    [Fact]
    public async Task EveryReadRoute_EveryRole_SeesItsOwnDevicesAndIsRefusedTheOthers()
    {
        var routes = ApiRoute.Of(_fleet.Hub.Host).Where(r => !r.ChangesState).ToList();
        foreach (var user in Users)
        {
            using var http = await _fleet.ClientAsync(user);
            var visible = SeededFleet.VisibleTo(user);
            var hidden = SeededFleet.Devices.Keys.Except(visible).ToList();
            var allSee = user is SeededFleet.Admin or SeededFleet.Auditor;
            foreach (var route in routes)
            {
                var targets = route.Parameters.Contains("device") ? SeededFleet.Devices.Keys : ["GA-0001"];
                foreach (var target in targets)
                {
                    using var response = await SendAsync(http, route, route.Url(Values(target)));
                    var body = await response.Content.ReadAsStringAsync();
                    // A campaign of glasses-a (GA-0001 at SITE-1, GA-0002): hidden from enterprise B only.
                    var expected = (FleetWide.Contains(route.ToString()) && !allSee) || (route.Parameters.Contains("device") && !visible.Contains(target))
                        || (route.Parameters.Contains("id") && user == SeededFleet.TeamB)
                        ? HttpStatusCode.Forbidden
                        : HttpStatusCode.OK;
                    Assert.True(response.StatusCode == expected, $"{user}: {route} ({target}): {(int)response.StatusCode} {body}, expected {(int)expected}");
                    foreach (var other in response.IsSuccessStatusCode ? hidden : [])
                    {
                        Assert.False(body.Contains(other, StringComparison.Ordinal), $"{user}: {route} ({target}) shows {other}, a device of another tenant: {body}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task EveryStateChangingRoute_NonAdminRoles_403AndAdminNotRefused()
    {
        var routes = ApiRoute.Of(_fleet.Hub.Host).Where(r => r.ChangesState && !r.Anonymous && r.ToString() != Logout).ToList();
        Assert.NotEmpty(routes);
        foreach (var user in Users)
        {
            using var http = await _fleet.ClientAsync(user);
            foreach (var route in routes)
            {
                using var response = await SendAsync(http, route, route.Url(Values("GA-0001")));
                if (user == SeededFleet.Admin)
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"admin: {route}: {(int)response.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.MethodNotAllowed, $"{user}: {route}: {(int)response.StatusCode}, expected 403");
                }
            }
        }
    }

    [Fact]
    public async Task AddUser_Auditor_403AndNoAccountCreated()
    {
        using var auditor = await _fleet.ClientAsync(SeededFleet.Auditor);

        using var response = await auditor.PostAsJsonAsync("/api/v1/users", new { user = "sneaky", role = "admin", password = SeededFleet.Password });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var store = _fleet.Hub.OpenStore();
        Assert.Null(new EdgeAgent.Hub.Accounts.AccountStore(store).Find("sneaky"));
    }

    [Fact]
    public async Task AddUser_AdminThenNewAccountLogsIn_SeesOnlyItsSite()
    {
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);

        using var created = await admin.PostAsJsonAsync("/api/v1/users", new { user = "site-2", role = "site", site = "SITE-2", password = SeededFleet.Password });
        using var newcomer = await _fleet.ClientAsync("site-2");
        var devices = await newcomer.GetFromJsonAsync<List<Dictionary<string, object>>>("/api/v1/devices");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("DB-0001", Assert.Single(devices!)["device_id"].ToString());
    }

    [Theory]
    [InlineData(SeededFleet.TeamA, "product=drone-b")]
    [InlineData(SeededFleet.TeamB, "product=glasses-a")]
    [InlineData(SeededFleet.Site1, "site=SITE-2")]
    public async Task Report_ProductOrSiteOfAnotherTenant_403(string user, string query)
    {
        using var http = await _fleet.ClientAsync(user);
        using var response = await http.GetAsync(new Uri($"/api/v1/reports/records?format=csv&{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Devices_ProductTeam_ExactlyItsEnterprisesDevices()
    {
        using var http = await _fleet.ClientAsync(SeededFleet.TeamA);
        var devices = await http.GetFromJsonAsync<List<Dictionary<string, object>>>("/api/v1/devices");
        Assert.Equal("GA-0001,GA-0002", string.Join(",", devices!.Select(d => d["device_id"].ToString())));
    }

    [Fact]
    public async Task StateChange_FromAnotherOrigin_403EvenForAdmin()
    {
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users/team-b/disable");
        request.Headers.Add("Origin", "http://attacker.example");

        using var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var store = _fleet.Hub.OpenStore();
        Assert.False(new EdgeAgent.Hub.Accounts.AccountStore(store).Find(SeededFleet.TeamB)!.Disabled);
    }

    [Fact]
    public async Task Session_AccountDisabledWhileLoggedIn_NextCall401()
    {
        using var teamB = await _fleet.ClientAsync(SeededFleet.TeamB);
        using var admin = await _fleet.ClientAsync(SeededFleet.Admin);

        using var disabled = await admin.PostAsync(new Uri("/api/v1/users/team-b/disable", UriKind.Relative), null);
        using var after = await teamB.GetAsync(new Uri("/api/v1/devices", UriKind.Relative));
        using var login = await teamB.PostAsJsonAsync("/api/v1/session", new { user = SeededFleet.TeamB, password = SeededFleet.Password });

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Logout_AnyRole_204AndSessionEnds()
    {
        using var auditor = await _fleet.ClientAsync(SeededFleet.Auditor);

        using var logout = await auditor.DeleteAsync(new Uri("/api/v1/session", UriKind.Relative));
        using var after = await auditor.GetAsync(new Uri("/api/v1/session", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task SessionCookie_HttpOnlySameSiteStrict()
    {
        using var http = new HttpClient { BaseAddress = _fleet.Http };
        using var login = await http.PostAsJsonAsync("/api/v1/session", new { user = SeededFleet.Auditor, password = SeededFleet.Password });
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sample values for route parameters: the device under test, a report kind, an account that does not exist (so no test disables a real one), the seeded campaign and release.</summary>
    private Dictionary<string, string> Values(string device) => new()
    {
        ["device"] = device, ["kind"] = "records", ["user"] = "nobody", ["id"] = _campaign, ["name"] = "tiny-test", ["version"] = "1.0.0", ["sha256"] = _fleet.ReleaseSha256,
    };

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, ApiRoute route, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.ChangesState)
        {
            request.Content = JsonContent.Create(new { });
        }

        return http.SendAsync(request);
    }
}
