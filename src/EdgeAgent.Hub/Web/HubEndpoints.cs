using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeAgent.Hub.Web;

/// <summary>
/// Every HTTP route of <c>edgehub serve</c>, mapped in one place so a reader finds the whole surface here. Each concern
/// (enrolment, REST API, releases, rollouts, dashboard) maps its own group from its own folder.
/// </summary>
internal static class HubEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription();
        Api.ApiEndpoints.Map(app);
        Releases.ReleaseEndpoints.Map(app);
        Rollouts.RolloutEndpoints.Map(app);
        Dashboard.DashboardEndpoints.Map(app);
        app.MapOpenApi();
        Identity.EnrolmentEndpoints.Map(app);
    }
}
