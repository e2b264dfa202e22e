using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>Every REST API route the running hub maps, read from its endpoint data source (so a route added later is in every test that walks them).</summary>
internal sealed record ApiRoute(string Method, string Pattern, IReadOnlyList<string> Parameters)
{
    public bool ChangesState => Method is not ("GET" or "HEAD");

    public static IReadOnlyList<ApiRoute> Of(HubHost host)
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => new ApiRoute(m, e.RoutePattern.RawText!, [.. e.RoutePattern.Parameters.Select(p => p.Name)])))
            .ToList();
        Assert.True(routes.Count >= 14, $"only {routes.Count} API routes found; the enumeration is broken");
        return routes;
    }

    /// <summary>The route with its parameters filled in from <paramref name="values"/>; fails naming a parameter it has no value for.</summary>
    public string Url(IReadOnlyDictionary<string, string> values)
    {
        var url = Pattern;
        foreach (var p in Parameters)
        {
            Assert.True(values.TryGetValue(p, out var v), $"{Method} {Pattern}: the access tests have no sample value for route parameter {{{p}}}; add one");
            url = url.Replace("{" + p + "}", Uri.EscapeDataString(v!), StringComparison.Ordinal);
        }

        return url;
    }

    public override string ToString() => $"{Method} {Pattern}";
}
