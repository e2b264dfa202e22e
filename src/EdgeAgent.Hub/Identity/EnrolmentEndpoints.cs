using System.Text.Json;
using EdgeAgent.Contracts.Enrolment;
using EdgeAgent.Hub.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Identity;

/// <summary>
/// <c>POST /api/v1/enrol</c>: <c>{"token": "...", "csr": "-----BEGIN CERTIFICATE REQUEST-----..."}</c> in, the device
/// certificate and the hub CA certificate out. The token is the credential (no account is needed); errors are
/// <c>{"error": "..."}</c> with 400 (bad request or CSR), 401 (token unknown, used or expired), 403 (device revoked) or
/// 409 (another key is enrolled for the serial).
/// </summary>
internal static class EnrolmentEndpoints
{
    public const string Route = EnrolmentRequest.Route;

    private const int MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Route, (Delegate)(Func<HttpContext, Task>)EnrolAsync).AllowAnonymous()
            .Accepts<EnrolmentRequest>("application/json").Produces<EnrolmentResponse>()
            .WithTags("enrolment")
            .WithSummary("Enrol a device: a PKCS#10 CSR signed by the device key and a one-time token in, the device certificate and the hub CA out. No account: the token is the credential (400 bad CSR, 401 token unknown/used/expired, 403 revoked, 409 another key enrolled).");
    }

    private static async Task EnrolAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EnrolmentEndpoints));
        var options = services.GetRequiredService<HubOptions>();
        EnrolmentRequest? request;
        try
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodyBytes;
            }

            request = await EnrolmentJson.ReadRequestAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge, new EnrolmentError { Error = $"body: at most {MaxBodyBytes} bytes" }).ConfigureAwait(false);
            return;
        }
        catch (JsonException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new EnrolmentError { Error = $"body: expected JSON {{\"token\": \"...\", \"csr\": \"PEM\"}}: {e.Message}" }).ConfigureAwait(false);
            return;
        }

        var enrolment = services.GetRequiredService<DeviceEnrolment>();
        EnrolmentOutcome outcome;
        using (var store = HubStore.Open(options.DatabasePath))
        {
            outcome = enrolment.Enrol(store, request?.Token ?? "", request?.Csr ?? "");
        }

        if (!outcome.Succeeded)
        {
            Log.EnrolmentRefused(logger, outcome.Failure.ToString(), outcome.Message);
            var status = outcome.Failure switch
            {
                EnrolmentFailure.BadToken => StatusCodes.Status401Unauthorized,
                EnrolmentFailure.Revoked => StatusCodes.Status403Forbidden,
                EnrolmentFailure.KeyConflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
            await WriteAsync(context, status, new EnrolmentError { Error = outcome.Message }).ConfigureAwait(false);
            return;
        }

        Log.DeviceEnrolled(logger, outcome.DeviceId, outcome.ProductId, outcome.SerialNumber);
        services.GetService<BrokerAccess>()?.Refresh();
        string? broker = null;
        if (options.Mqtts is not null && HubOptions.TryParseListen(options.Mqtts, out _, out var port))
        {
            broker = $"mqtts://{context.Request.Host.Host}:{port}";
        }

        var ca = services.GetRequiredService<HubCertificateAuthority>();
        await WriteAsync(context, StatusCodes.Status200OK, new EnrolmentResponse
        {
            DeviceId = outcome.DeviceId,
            ProductId = outcome.ProductId,
            Certificate = outcome.CertificatePem,
            CaCertificate = ca.CertificatePem,
            Broker = broker,
        }).ConfigureAwait(false);
    }

    private static Task WriteAsync(HttpContext context, int status, EnrolmentError body) => WriteAsync(context, status, EnrolmentJson.Write(body));

    private static Task WriteAsync(HttpContext context, int status, EnrolmentResponse body) => WriteAsync(context, status, EnrolmentJson.Write(body));

    private static async Task WriteAsync(HttpContext context, int status, byte[] json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
