using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Hub.Identity;

/// <summary>Registers the hub CA, enrolment, the ingestion's credential and (with the embedded broker) broker authorisation and the revocation watcher.</summary>
internal static class IdentityServices
{
    public static void Add(IServiceCollection services, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => HubCertificateAuthority.OpenOrCreate(HubCertificateAuthority.DirectoryOf(options.DatabasePath), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DeviceEnrolment>();
        services.AddSingleton<IngestionCredentials>();
        if (options.ExternalBroker is null)
        {
            services.AddSingleton<BrokerAccess>();
            services.AddHostedService<RevocationWatcher>();
        }
    }

    /// <summary>Where devices with certificates connect: <c>mqtts://ADDRESS:PORT</c> of <see cref="HubOptions.Mqtts"/> (loopback for a wildcard address).</summary>
    public static Uri? MqttsUri(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mqtts is null || options.ExternalBroker is not null || !HubOptions.TryParseListen(options.Mqtts, out var address, out var port))
        {
            return null;
        }

        var host = address.Equals(IPAddress.Any) ? "127.0.0.1" : address.ToString();
        return new Uri($"mqtts://{host}:{port}");
    }
}
