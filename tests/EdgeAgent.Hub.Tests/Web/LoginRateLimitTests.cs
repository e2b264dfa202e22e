using System.Net;
using System.Net.Http.Json;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.Hub.Web;
using EdgeAgent.Hub.Web.Access;

namespace EdgeAgent.Hub.Tests.Web;

public sealed class LoginRateLimitTests : IAsyncLifetime
{
    private SeededFleet _fleet = null!;

    public async Task InitializeAsync() => _fleet = await SeededFleet.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task Login_AfterTooManyFailuresForAnAccount_429EvenWithTheRightPasswordAndOtherAccountsUnaffected()
    {
        using var http = await _fleet.ClientAsync(null);
        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < LoginThrottle.FailuresPerAccount; i++)
        {
            failures.Add(await LoginAsync(http, SeededFleet.TeamA, "wrong password " + i));
        }

        var right = await LoginAsync(http, SeededFleet.TeamA, SeededFleet.Password);
        var other = await LoginAsync(http, SeededFleet.TeamB, SeededFleet.Password);

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, right);
        Assert.Equal(HttpStatusCode.OK, other);
        Assert.Contains(_fleet.Hub.Logs.Entries, e => e.Id.Id == 6002);
    }

    [Fact]
    public async Task Login_TooManyAttemptsFromOneAddress_429ForAnyAccount()
    {
        using var http = await _fleet.ClientAsync(null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < WebSetup.LoginAttemptsPerAddressPerMinute; i++)
        {
            statuses.Add(await LoginAsync(http, $"guess-{i}", "wrong password"));
        }

        var valid = await LoginAsync(http, SeededFleet.Auditor, SeededFleet.Password);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, valid);
    }

    private static async Task<HttpStatusCode> LoginAsync(HttpClient http, string user, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/session", new { user, password });
        return response.StatusCode;
    }
}
