using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Web.Api;

/// <summary>
/// The REST API under <c>/api/v1</c>. Every route but the login requires a session, and every route goes through
/// <see cref="AccessFilter"/>, which checks role and tenant before the handler runs; handlers read only through the
/// caller's <see cref="DeviceScope"/>.
/// </summary>
internal static class ApiEndpoints
{
    public const string Prefix = "/api/v1";
    public const int MaxPage = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Prefix).RequireAuthorization().AddEndpointFilter<AccessFilter>();

        api.MapPost("/session", LoginAsync).AllowAnonymous().RequireRateLimiting(WebSetup.LoginPolicy)
            .WithTags("session").WithSummary("Log in: sets the HttpOnly, SameSite=Strict session cookie. Failed logins are rate-limited per account and per client address (429).");
        api.MapGet("/session", (HttpContext http) => TypedResults.Ok(Session(AccessFilter.ScopeOf(http).Caller)))
            .WithTags("session").WithSummary("The signed-in account: user, role and tenant.");
        api.MapDelete("/session", LogoutAsync).WithMetadata(OwnSessionMetadata.Instance)
            .WithTags("session").WithSummary("Log out.");

        api.MapGet("/fleet", (HttpContext http, HubOptions o, TimeProvider t) => Read(http, o, t, q => TypedResults.Ok(q.Overview())))
            .WithTags("fleet").WithSummary($"Fleet overview of the account's devices: enrolled, online (heard from within {FleetQueries.OnlineWindow.TotalMinutes} min), activations per day, operating hours, faults, integrity failures.");
        api.MapGet("/devices", (HttpContext http, HubOptions o, TimeProvider t, string? product, string? site) => Read(http, o, t, q => TypedResults.Ok(q.Devices(product: product, site: site))))
            .WithTags("devices").WithSummary("The account's devices, optionally of one product or site.");
        api.MapGet("/devices/{device}", (HttpContext http, HubOptions o, TimeProvider t, string device) => Read(http, o, t, q => q.Device(device) is { } d ? (IResult)TypedResults.Ok(d) : TypedResults.NotFound()))
            .WithTags("devices").WithSummary("One device: summary, time quality (time_src counts; synced/anchored/bounded/unknown), last clock sync, model versions and changes.")
            .Produces<DeviceDetail>();
        api.MapGet("/devices/{device}/records", (HttpContext http, HubOptions o, TimeProvider t, string device, long? from, int? limit, string? type) =>
                Read(http, o, t, q => TypedResults.Ok(q.Timeline(device, Math.Max(1, from ?? 1), Math.Clamp(limit ?? 100, 1, MaxPage), string.IsNullOrEmpty(type) ? null : type))))
            .WithTags("devices").WithSummary($"The device's ledger timeline in seq order from 'from' (default 1), at most 'limit' (1-{MaxPage}, default 100) entries; next_from pages on.");
        api.MapGet("/devices/{device}/rejections", (HttpContext http, HubOptions o, TimeProvider t, string device, int? latest) =>
                Read(http, o, t, q => TypedResults.Ok(q.Rejections(device, Math.Clamp(latest ?? 50, 1, MaxPage)))))
            .WithTags("devices").WithSummary("The device's flagged inputs: counts per reason and the latest ones.");
        api.MapGet("/rejections", (HttpContext http, HubOptions o, TimeProvider t, int? latest) => Read(http, o, t, q => TypedResults.Ok(q.Rejections(null, Math.Clamp(latest ?? 50, 1, MaxPage)))))
            .WithTags("integrity").WithSummary("Flagged inputs of the account's devices: counts per reason and the latest ones.");

        api.MapGet("/reports", (HttpContext http, IEnumerable<IReportRenderer> renderers) =>
                TypedResults.Ok(renderers.SelectMany(r => r.Kinds).Where(k => ReportTenancy.MayRequest(AccessFilter.ScopeOf(http).Caller, k.Kind)).ToList()))
            .WithTags("reports").WithSummary("The report kinds the account may have, their formats and their filters.");
        api.MapGet("/reports/{kind}", ReportAsync)
            .WithTags("reports").WithSummary("Download a report (kind, format and filters from GET /reports): records and rejections of the account's devices; sales-award, " +
                "pilot and compute-voucher (year required) computed over the account's own enterprise or site only, as edgehub report writes them.");

        api.MapGet("/users", (HubOptions o) => TypedResults.Ok(WithAccounts(o, a => a.List().Select(View).ToList()))).WithMetadata(FleetWideMetadata.Instance)
            .WithTags("users").WithSummary("Accounts (admin and auditor).");
        api.MapPost("/users", AddUser)
            .WithTags("users").WithSummary("Add an account (admin only).");
        api.MapPost("/users/{user}/disable", DisableUser)
            .WithTags("users").WithSummary("Disable an account; its sessions stop at their next request (admin only).");
    }

    private static async Task<IResult> LoginAsync(LoginRequest? body, HttpContext http, HubOptions options, LoginThrottle throttle, ILogger<LoginRequest> logger)
    {
        if (body is not { User: { } user, Password: { } password } || !Account.IsValidName(user))
        {
            return TypedResults.BadRequest(new ApiError("expected {\"user\": \"NAME\", \"password\": \"...\"}"));
        }

        var address = http.Connection.RemoteIpAddress?.ToString() ?? "-";
        if (!throttle.MayTry(user))
        {
            Log.LoginThrottled(logger, user, address);
            http.Response.Headers.RetryAfter = ((int)LoginThrottle.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new ApiError($"too many failed logins for {user}; try again later"), statusCode: StatusCodes.Status429TooManyRequests);
        }

        Account? account;
        bool ok;
        using (var store = HubStore.Open(options.DatabasePath))
        {
            var accounts = new AccountStore(store);
            account = accounts.Find(user, out var hash);
            // An unknown account costs the same hashing as a known one.
            (ok, var rehash) = Passwords.Verify(account is null ? UnknownAccountHash.Value : hash, password);
            ok = ok && account is { Disabled: false };
            if (ok && rehash)
            {
                accounts.SetPasswordHash(user, Passwords.Hash(password));
            }
        }

        if (!ok || account is null)
        {
            throttle.Failed(user);
            Log.LoginFailed(logger, user, address);
            return Results.Json(new ApiError("unknown user, wrong password or disabled account"), statusCode: StatusCodes.Status401Unauthorized);
        }

        var caller = Caller.FromAccount(account);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, caller.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme)).ConfigureAwait(false);
        Log.LoggedIn(logger, caller.UserName, caller.Role, address);
        return TypedResults.Ok(Session(caller));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http, ILogger<LoginRequest> logger)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        Log.LoggedOut(logger, http.User.Identity?.Name ?? "-");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ReportAsync(string kind, int? year, string? product, string? site, string? format, HttpContext http, IEnumerable<IReportRenderer> renderers, ILogger<AccessFilter> logger, CancellationToken cancellationToken)
    {
        var all = renderers.SelectMany(r => r.Kinds.Select(k => (Renderer: r, Kind: k))).ToList();
        if (all.FirstOrDefault(k => k.Kind.Kind == kind) is not { Renderer: not null } found)
        {
            return Results.Json(new ApiError($"report kind '{kind}': one of {string.Join(", ", all.Select(k => k.Kind.Kind))}"), statusCode: StatusCodes.Status404NotFound);
        }

        format = string.IsNullOrEmpty(format) ? found.Kind.Formats[0] : format;
        if (!found.Kind.Formats.Contains(format, StringComparer.Ordinal))
        {
            return TypedResults.BadRequest(new ApiError($"format '{format}': one of {string.Join(", ", found.Kind.Formats)} for {kind}"));
        }

        if (year is < 2000 or > 2100)
        {
            return TypedResults.BadRequest(new ApiError($"year {year}: 2000-2100"));
        }

        try
        {
            var scope = AccessFilter.ScopeOf(http);
            var file = await found.Renderer.RenderAsync(new ReportRequest(kind, format, year, Empty(product), Empty(site), scope), cancellationToken).ConfigureAwait(false);
            return TypedResults.File(file.Content, file.ContentType, file.FileName);
        }
        catch (ArgumentException e)
        {
            return TypedResults.BadRequest(new ApiError(e.Message));
        }
        catch (UnauthorizedAccessException e)
        {
            Log.AccessRefused(logger, http.User.Identity?.Name ?? "-", http.Request.Method, http.Request.Path, StatusCodes.Status403Forbidden, e.Message);
            return Results.Json(new ApiError(e.Message), statusCode: StatusCodes.Status403Forbidden);
        }
        catch (Reports.PdfException e)
        {
            return Results.Json(new ApiError(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult AddUser(NewAccountRequest? body, HttpContext http, HubOptions options, TimeProvider time, ILogger<LoginRequest> logger)
    {
        if (body is null)
        {
            return TypedResults.BadRequest(new ApiError("expected {\"user\", \"role\", \"org\", \"site\", \"password\"}"));
        }

        var problems = Account.Validate(body.User ?? "", body.Role ?? "", Empty(body.Org), Empty(body.Site)).ToList();
        if (Passwords.Check(body.Password) is { } weak)
        {
            problems.Add($"password: {weak}");
        }

        if (problems.Count > 0)
        {
            return TypedResults.BadRequest(new ApiError(string.Join("; ", problems.Select(p => p.Replace("--", "", StringComparison.Ordinal)))));
        }

        var account = new Account(body.User!, body.Role!, Empty(body.Org), Empty(body.Site), false, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!WithAccounts(options, a => a.Add(account, Passwords.Hash(body.Password!))))
        {
            return Results.Json(new ApiError($"user '{account.UserName}' exists"), statusCode: StatusCodes.Status409Conflict);
        }

        Log.AccountChanged(logger, http.User.Identity?.Name ?? "-", "added", account.UserName);
        return TypedResults.Created($"{Prefix}/users/{account.UserName}", View(account));
    }

    private static IResult DisableUser(string user, HttpContext http, HubOptions options, ILogger<LoginRequest> logger)
    {
        if (!WithAccounts(options, a => a.Disable(user)))
        {
            return Results.Json(new ApiError($"user '{user}': no such account"), statusCode: StatusCodes.Status404NotFound);
        }

        Log.AccountChanged(logger, http.User.Identity?.Name ?? "-", "disabled", user);
        return TypedResults.Ok(WithAccounts(options, a => View(a.Find(user)!)));
    }

    private static IResult Read(HttpContext http, HubOptions options, TimeProvider time, Func<FleetQueries, IResult> query)
    {
        using var store = HubStore.Open(options.DatabasePath);
        return query(new FleetQueries(store, AccessFilter.ScopeOf(http), time));
    }

    private static T WithAccounts<T>(HubOptions options, Func<AccountStore, T> action)
    {
        using var store = HubStore.Open(options.DatabasePath);
        return action(new AccountStore(store));
    }

    private static SessionView Session(Caller c) => new(c.UserName, c.Role, c.OrgId, c.SiteId);

    private static AccountView View(Account a) => new(a.UserName, a.Role, a.OrgId, a.SiteId, a.Disabled, a.CreatedAtMs);

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A hash of a random password, verified against when the account does not exist.</summary>
    private static readonly Lazy<string> UnknownAccountHash = new(() => Passwords.Hash(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
}
