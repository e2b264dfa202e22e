using EdgeAgent.Hub.Charts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeAgent.Hub.Web.Dashboard;

/// <summary>
/// The dashboard: one page and its script and style, embedded in the hub (no CDN), plus Chart.js from
/// <see cref="ChartJs"/>. The page holds no data; everything it shows it fetches from the REST API with the session cookie.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly (string Route, string Resource, string ContentType)[] Files =
    [
        ("/", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/assets/app.js", "dashboard/app.js", "text/javascript; charset=utf-8"),
        ("/assets/app.css", "dashboard/app.css", "text/css; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (route, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(route, (HttpContext http) => Serve(http, bytes, contentType)).ExcludeFromDescription();
        }

        var chart = System.Text.Encoding.UTF8.GetBytes(ChartJs.Script);
        app.MapGet("/assets/chart.js", (HttpContext http) => Serve(http, chart, "text/javascript; charset=utf-8")).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, byte[] bytes, string contentType)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, contentType);
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is not embedded in edgehub");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
