using EdgeAgent.Hub.Store;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Web.Access;

/// <summary>Marks an endpoint that changes only the caller's own session, which every role may call (logging out).</summary>
internal sealed class OwnSessionMetadata
{
    public static OwnSessionMetadata Instance { get; } = new();
}

/// <summary>Marks a read that is not about devices (e.g. the accounts): only roles that see everything (admin, auditor) may call it.</summary>
internal sealed class FleetWideMetadata
{
    public static FleetWideMetadata Instance { get; } = new();
}

/// <summary>
/// The one place every REST API call is checked, before its handler runs: the caller has a known role and its tenant;
/// a state-changing method (anything but GET/HEAD) comes from the hub's own origin and from an admin (the auditor, product
/// and site roles change nothing; the only exception is the caller's own session); a <c>{device}</c> in the route is a
/// device the caller may see (else 403; a fleet-wide read such as the accounts is for admin and auditor only, or 404 for an admin or auditor when it is not enrolled); a <c>product</c> or
/// <c>site</c> in the query is one the caller may ask about. Handlers take the caller's <see cref="DeviceScope"/> from
/// <see cref="ScopeOf"/> and add its condition to every query.
/// </summary>
internal sealed class AccessFilter : IEndpointFilter
{
    private readonly HubOptions _options;
    private readonly ILogger<AccessFilter> _logger;

    public AccessFilter(HubOptions options, ILogger<AccessFilter> logger)
    {
        _options = options;
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return await next(context).ConfigureAwait(false);
        }

        if (Caller.From(http.User) is not { } caller)
        {
            return http.User.Identity?.IsAuthenticated == true ? Refuse(http, StatusCodes.Status403Forbidden, "the account has no valid role or tenant") : Results.Unauthorized();
        }

        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            if (!IsSameOrigin(http.Request))
            {
                return Refuse(http, StatusCodes.Status403Forbidden, "a state-changing request must come from the hub's own origin");
            }

            if (!caller.MayChange && endpoint?.Metadata.GetMetadata<OwnSessionMetadata>() is null)
            {
                return Refuse(http, StatusCodes.Status403Forbidden, $"role {caller.Role} cannot change anything");
            }
        }

        var scope = DeviceScope.For(caller);
        if (!scope.All && endpoint?.Metadata.GetMetadata<FleetWideMetadata>() is not null)
        {
            return Refuse(http, StatusCodes.Status403Forbidden, $"role {caller.Role} sees only its own devices");
        }

        var device = http.Request.RouteValues.TryGetValue("device", out var d) ? d as string : null;
        var product = http.Request.Query["product"].FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var site = http.Request.Query["site"].FirstOrDefault(v => !string.IsNullOrEmpty(v));
        if (site is not null && !scope.CanSeeSite(site))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, $"site {site} is not this account's site");
        }

        if (device is not null || product is not null)
        {
            using var store = HubStore.Open(_options.DatabasePath);
            if (device is not null && !scope.CanSee(store, device))
            {
                return scope.All
                    ? Results.Json(new ApiError($"device {device} is not enrolled"), statusCode: StatusCodes.Status404NotFound)
                    : Refuse(http, StatusCodes.Status403Forbidden, $"device {device} is not visible to this account");
            }

            if (product is not null && !scope.CanSeeProduct(store, product))
            {
                return Refuse(http, StatusCodes.Status403Forbidden, $"product {product} is not one of this account's enterprise");
            }
        }

        http.Items[typeof(DeviceScope)] = scope;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The scope the filter put on this request; throws when the filter did not run (so a handler never runs unscoped).</summary>
    public static DeviceScope ScopeOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.TryGetValue(typeof(DeviceScope), out var s) && s is DeviceScope scope
            ? scope
            : throw new InvalidOperationException($"{http.Request.Path}: the access filter did not run for this endpoint");
    }

    private IResult Refuse(HttpContext http, int status, string reason)
    {
        Log.AccessRefused(_logger, http.User.Identity?.Name ?? "-", http.Request.Method, http.Request.Path, status, reason);
        return Results.Json(new ApiError(reason), statusCode: status);
    }

    /// <summary>No Origin header (not a browser's cross-site request), or one naming this host.</summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.FirstOrDefault();
        return string.IsNullOrEmpty(origin)
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The body of every refused or failed API call.</summary>
internal sealed record ApiError(string Error);
