using System.Text.Json;
using System.Threading.RateLimiting;
using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using EdgeAgent.Hub.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Web;

/// <summary>
/// The services and middleware of the REST API and dashboard: cookie sessions (HttpOnly, SameSite=Strict, 8 h sliding;
/// the account is re-read at every request, so a disabled account stops at once; keys are in memory, so a hub restart
/// ends every session), authorization, the login rate limits, OpenAPI (<c>/openapi/v1.json</c>), snake_case JSON, and
/// the report renderers.
/// </summary>
internal static class WebSetup
{
    public const string LoginPolicy = "login";

    /// <summary>Login attempts per client address per minute (the ASP.NET Core rate limiter, policy <see cref="LoginPolicy"/>).</summary>
    public const int LoginAttemptsPerAddressPerMinute = 20;

    public static IServiceCollection AddHubWeb(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "edgehub.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = c => Status(c.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Status(c.Response, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAuthorization();

        // The session keys are ephemeral; the key ring's start-up service would only create an unused key file under ~/.aspnet.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService") is { } keyRingStartup)
        {
            services.Remove(keyRingStartup);
        }

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "-",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = LoginAttemptsPerAddressPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (c, _) =>
            {
                c.HttpContext.Response.Headers.RetryAfter = "60";
                Log.AddressThrottled(c.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebSetup)), c.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "-");
                return ValueTask.CompletedTask;
            };
        });
        services.AddSingleton<LoginThrottle>();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "edgehub REST API";
            doc.Info.Description = "The city hub's REST API, used by its dashboard. Log in with POST /api/v1/session; the session cookie carries the account's role and tenant to every call.";
            return Task.CompletedTask;
        }));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReportRenderer, RecordsExportRenderer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReportRenderer, EvidenceReportRenderer>());
        return services;
    }

    /// <summary>After UseRouting: security headers, rate limiting, authentication, authorization.</summary>
    public static WebApplication UseHubWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((http, next) =>
        {
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
            h["Referrer-Policy"] = "same-origin";
            return next(http);
        });
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Every request re-reads the account: a disabled, removed or changed account's session is refused.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var caller = context.Principal is { } p ? Caller.From(p) : null;
        var options = context.HttpContext.RequestServices.GetRequiredService<HubOptions>();
        Account? account = null;
        if (caller is not null)
        {
            using var store = HubStore.Open(options.DatabasePath);
            account = new AccountStore(store).Find(caller.UserName);
        }

        if (caller is null || account is null || account.Disabled || Caller.FromAccount(account) != caller)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }
    }
}
