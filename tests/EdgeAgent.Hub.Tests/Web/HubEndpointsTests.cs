using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Web;

public sealed class HubEndpointsTests
{
    [Fact]
    public async Task Serve_HttpPortZero_ListensOnABoundLoopbackPortAndAnswersHealth()
    {
        await using var hub = await HubUnderTest.StartAsync(mosquitto: false);
        Assert.Equal("127.0.0.1", hub.Host.HttpUri.Host);
        Assert.NotEqual(0, hub.Host.HttpUri.Port);

        using var http = new HttpClient { BaseAddress = hub.Host.HttpUri };
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:70000")]
    public void Validate_BadHttpEndpoint_NamesTheOption(string http)
    {
        var problems = new HubOptions { Http = http }.Validate();
        Assert.Contains(problems, p => p.StartsWith($"--http '{http}'", StringComparison.Ordinal));
    }
}
