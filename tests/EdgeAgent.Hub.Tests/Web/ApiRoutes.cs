using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Hub.Tests.Web;

/// <summary>Every REST API route the running hub maps, read from its endpoint data source (so a route added later is in every test that walks them).</summary>
/// <param name="Anonymous">Mapped with AllowAnonymous: no session needed (the login, and device enrolment, whose credential is its one-time token).</param>
internal sealed record ApiRoute(string Method, string Pattern, IReadOnlyList<string> Parameters, bool Anonymous)
{
    public bool ChangesState => Method is not ("GET" or "HEAD");

    public static IReadOnlyList<ApiRoute> Of(HubHost host)
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => new ApiRoute(m, e.RoutePattern.RawText!, [.. e.RoutePattern.Parameters.Select(p => p.Name)], e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)))
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
