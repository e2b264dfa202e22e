using System.Text.Json;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Web;

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiDocument_EveryMappedApiRoute_DocumentedWithItsMethod()
    {
        await using var hub = await HubUnderTest.StartAsync(mosquitto: false);
        using var http = new HttpClient { BaseAddress = hub.Host.HttpUri };

        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var paths = doc.RootElement.GetProperty("paths");
        foreach (var route in ApiRoute.Of(hub.Host))
        {
            Assert.True(paths.TryGetProperty(route.Pattern, out var path), $"{route.Pattern} is not in /openapi/v1.json");
            Assert.True(path.TryGetProperty(route.Method.ToLowerInvariant(), out var operation), $"{route} is not in /openapi/v1.json");
            Assert.True(operation.TryGetProperty("summary", out _), $"{route} has no summary in /openapi/v1.json");
        }
    }
}
