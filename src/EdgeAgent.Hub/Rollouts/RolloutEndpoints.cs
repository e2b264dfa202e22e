using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using EdgeAgent.Hub.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>
/// The rollout routes of the REST API. Reads follow the caller's tenancy (<see cref="RolloutViews.Visible"/>; devices
/// through its <see cref="DeviceScope"/>); pause, resume and abort change state and so, as every change in the API, are
/// for the admin role only (<see cref="AccessFilter"/>).
/// </summary>
internal static class RolloutEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(ApiEndpoints.Prefix).RequireAuthorization().AddEndpointFilter<AccessFilter>();
        api.MapGet("/rollouts", (HttpContext http, HubOptions o, TimeProvider t) => With(o, t, (store, rollouts) =>
            {
                var scope = AccessFilter.ScopeOf(http);
                return TypedResults.Ok(rollouts.List().Where(c => RolloutViews.Visible(store, scope, c, rollouts))
                    .Select(c => RolloutViews.View(c, rollouts.Devices(c.Id, scope.All ? null : scope), null, withDevices: false)).ToList());
            }))
            .WithTags("rollouts").WithSummary("Rollout campaigns the account may see, newest first: release, target, state and its reason, waves and device counts.");
        api.MapGet("/rollouts/{id}", (HttpContext http, HubOptions o, TimeProvider t, string id) => With(o, t, (store, rollouts) => Read(http, store, rollouts, id, c =>
                TypedResults.Ok(RolloutViews.View(c, rollouts.Devices(c.Id, Narrow(http)), rollouts.Events(c.Id), withDevices: true)))))
            .WithTags("rollouts").WithSummary("One campaign: waves, counts per state, every state change with its reason, and each device's wave, directive, state and reason.")
            .Produces<CampaignView>();
        foreach (var action in new[] { "pause", "resume", "abort" })
        {
            api.MapPost($"/rollouts/{{id}}/{action}", (HttpContext http, HubOptions o, TimeProvider t, ILogger<RolloutEngine> logger, string id) => With(o, t, (store, rollouts) => Read(http, store, rollouts, id, c =>
                {
                    try
                    {
                        var changed = rollouts.Change(c.Id, action, $"{http.User.Identity?.Name ?? "-"} (API)");
                        Log.CampaignStateChanged(logger, c.Id, c.Name, c.Version, c.State, changed.State, changed.Reason);
                        return TypedResults.Ok(RolloutViews.View(changed, rollouts.Devices(c.Id), rollouts.Events(c.Id), withDevices: true));
                    }
                    catch (RolloutException e) when (e.Problem == RolloutProblem.Conflict)
                    {
                        return Results.Json(new ApiError(e.Message), statusCode: StatusCodes.Status409Conflict);
                    }
                })))
                .WithTags("rollouts").WithSummary(action switch
                {
                    "pause" => "Pause a running campaign: nobody new is directed (admin only); it still halts if failures cross the threshold.",
                    "resume" => "Resume a paused campaign (admin only).",
                    _ => "Abort a running or paused campaign: every directed device that has not failed is told to roll back (admin only).",
                });
        }
    }

    private static DeviceScope? Narrow(HttpContext http) => AccessFilter.ScopeOf(http) is { All: false } scope ? scope : null;

    private static IResult Read(HttpContext http, HubStore store, RolloutStore rollouts, string id, Func<CampaignRow, IResult> found)
    {
        var scope = AccessFilter.ScopeOf(http);
        var campaign = rollouts.Find(id);
        if (campaign is null)
        {
            return scope.All
                ? Results.Json(new ApiError($"no campaign {id}"), statusCode: StatusCodes.Status404NotFound)
                : Results.Json(new ApiError($"campaign {id} is not visible to this account"), statusCode: StatusCodes.Status403Forbidden);
        }

        return RolloutViews.Visible(store, scope, campaign, rollouts)
            ? found(campaign)
            : Results.Json(new ApiError($"campaign {id} is not visible to this account"), statusCode: StatusCodes.Status403Forbidden);
    }

    private static IResult With(HubOptions options, TimeProvider time, Func<HubStore, RolloutStore, IResult> action)
    {
        using var store = HubStore.Open(options.DatabasePath);
        return action(store, new RolloutStore(store, time));
    }
}
