using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeAgent.Hub.Identity;

/// <summary>
/// The hub ingestion's credential at its broker, one no device has. The embedded broker: username
/// <see cref="HubCertificateAuthority.IngestionName"/> with a secret made at each start and held only in memory. An
/// external broker over mqtts: the ingestion's client certificate from the hub CA (<c>hub-ingest.pem</c>, its key
/// owner-only), trusting the hub CA for the broker's server certificate (<c>edgehub broker-config</c> issues both).
/// An external broker named with a user (<c>mqtt://USER@HOST:PORT</c>, the scale-out workers' broker): that user, with
/// the password in <see cref="PasswordVariable"/> (never on the command line, where <c>ps</c> shows it).
/// </summary>
internal sealed class IngestionCredentials
{
    public const string CertificateFile = "hub-ingest.pem";
    public const string KeyFile = "hub-ingest.key";

    /// <summary>The environment variable holding the password of an external broker's user.</summary>
    public const string PasswordVariable = "EDGEHUB_MQTT_PASSWORD";

    private static readonly TimeSpan Validity = TimeSpan.FromDays(2 * 365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly HubOptions _options;
    private readonly HubCertificateAuthority _ca;
    private readonly TimeProvider _time;

    public IngestionCredentials(HubOptions options, HubCertificateAuthority ca, TimeProvider time)
    {
        _options = options;
        _ca = ca;
        _time = time;
        Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>The per-start secret of the embedded broker; never logged, never stored.</summary>
    public string Secret { get; }

    public void Apply(MqttClientOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_options.ExternalBroker is null)
        {
            builder.WithCredentials(HubCertificateAuthority.IngestionName, Secret);
            return;
        }

        if (_options.ExternalBroker.UserInfo is { Length: > 0 } user)
        {
            builder.WithCredentials(Uri.UnescapeDataString(user.Split(':')[0]), Environment.GetEnvironmentVariable(PasswordVariable) ?? "");
        }

        if (_options.ExternalBroker.Scheme == "mqtts")
        {
            var (certPath, keyPath) = EnsureCertificate(_ca, _time);
            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            builder.WithTlsOptions(tls => tls.UseTls().WithTrustChain([_ca.Certificate]).WithClientCertificates([certificate]));
        }
    }

    /// <summary>The ingestion's certificate and key files in the CA's directory, issued when missing or about to expire.</summary>
    public static (string CertificatePath, string KeyPath) EnsureCertificate(HubCertificateAuthority ca, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(time);
        var certPath = Path.Combine(ca.Directory, CertificateFile);
        var keyPath = Path.Combine(ca.Directory, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            if (existing.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime > RenewBefore && ca.Chains(existing, out _))
            {
                return (certPath, keyPath);
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = ca.IssueIngestion(key, Validity);
        PemFiles.Write(keyPath, key.ExportPkcs8PrivateKeyPem(), PemFiles.OwnerOnly);
        PemFiles.Write(certPath, issued.ExportCertificatePem(), PemFiles.Readable);
        return (certPath, keyPath);
    }
}
