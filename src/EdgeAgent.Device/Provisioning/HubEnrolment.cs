using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Contracts.Enrolment;
using EdgeAgent.Core.Identity;

namespace EdgeAgent.Device.Provisioning;

/// <summary>What enrolment at the hub gave the device: where its certificate and the hub CA were written, and the hub's TLS broker if it named one.</summary>
internal sealed record EnrolmentResult(string CertificatePath, string CaPath, string? Broker);

/// <summary>A certificate an earlier enrolment left in the state directory, for this device's key.</summary>
internal sealed record ExistingEnrolment(string CertificatePath, string Issuer, DateTimeOffset NotAfter);

/// <summary>The hub refused enrolment or could not be reached; the message says why (the hub's own words when it answered).</summary>
internal sealed class EnrolmentFailedException : Exception
{
    public EnrolmentFailedException()
    {
    }

    public EnrolmentFailedException(string message)
        : base(message)
    {
    }

    public EnrolmentFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EnrolmentFailedException(string message, HttpStatusCode? status)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The hub's HTTP status; null when it was not reached.</summary>
    public HttpStatusCode? Status { get; }
}

/// <summary>
/// The device's half of enrolment (<c>edgeagent provision --hub URL --token T</c>): a PKCS#10 CSR for the device key
/// (subject <c>CN={serial}, OU={product}</c>, signed by that key, so the key never leaves the device), sent with the
/// one-time token to <c>POST /api/v1/enrol</c>; the certificate and the hub CA certificate it returns are written to the
/// state directory, where <c>edgeagent run</c> finds them for mutual TLS.
/// </summary>
internal static class HubEnrolment
{
    public const string CertificateFile = "device-cert.pem";
    public const string CaFile = "hub-ca.pem";

    public static async Task<EnrolmentResult> EnrolAsync(IdentityStore store, Uri hub, string token, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hub);
        var (identity, key) = store.Load();
        using (key)
        {
            var name = new X500DistinguishedNameBuilder();
            name.AddOrganizationalUnitName(identity.ProductId);
            name.AddCommonName(identity.DeviceId);
            var csr = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = TimeSpan.FromSeconds(30);
            using var content = new ByteArrayContent(EnrolmentJson.Write(new EnrolmentRequest { Token = token, Csr = csr }));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(new Uri(hub, EnrolmentRequest.Route), content, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new EnrolmentFailedException($"--hub {hub}: cannot reach the hub: {e.Message}", e);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new EnrolmentFailedException($"the hub refused enrolment ({(int)response.StatusCode}): {EnrolmentJson.ReadError(body) ?? body}", response.StatusCode);
                }

                EnrolmentResponse answer;
                try
                {
                    answer = EnrolmentJson.ReadResponse(body) ?? throw new System.Text.Json.JsonException("null");
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new EnrolmentFailedException($"--hub {hub}: the answer is not an enrolment response: {e.Message}", e);
                }

                Check(answer, identity, key);
                var certPath = Path.Combine(store.StateDirectory, CertificateFile);
                var caPath = Path.Combine(store.StateDirectory, CaFile);
                await File.WriteAllTextAsync(caPath, answer.CaCertificate, cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(certPath, answer.Certificate, cancellationToken).ConfigureAwait(false);
                return new EnrolmentResult(certPath, caPath, answer.Broker);
            }
        }
    }

    /// <summary>
    /// The enrolment already done for this device's key: <c>device-cert.pem</c> for the same public key and serial, with
    /// the hub CA beside it; null when there is none (or it is for another key, or unreadable), so enrolling again is needed.
    /// </summary>
    public static ExistingEnrolment? Existing(IdentityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var certPath = Path.Combine(store.StateDirectory, CertificateFile);
        if (!File.Exists(certPath) || !File.Exists(Path.Combine(store.StateDirectory, CaFile)))
        {
            return null;
        }

        var (identity, key) = store.Load();
        using (key)
        {
            try
            {
                using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
                using var certKey = certificate.GetECDsaPublicKey();
                var ours = certKey is not null && certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()) &&
                    certificate.GetNameInfo(X509NameType.SimpleName, false) == identity.DeviceId;
                return ours ? new ExistingEnrolment(certPath, certificate.Issuer, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero)) : null;
            }
            catch (CryptographicException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// For <c>edgeagent run</c>: with an <c>mqtts://</c> broker and no client certificate configured, the certificate,
    /// key and CA that enrolment left in the state directory. Explicit settings always win.
    /// </summary>
    public static Dictionary<string, string?> TlsDefaults(string? broker, string? clientCertFile, string? caFile, string stateDirectory)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var cert = Path.Combine(stateDirectory, CertificateFile);
        var ca = Path.Combine(stateDirectory, CaFile);
        if (broker?.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase) != true || !string.IsNullOrEmpty(clientCertFile) || !File.Exists(cert))
        {
            return defaults;
        }

        defaults["Mqtt:ClientCertFile"] = cert;
        defaults["Mqtt:ClientKeyFile"] = Path.Combine(stateDirectory, IdentityStore.KeyFile);
        if (string.IsNullOrEmpty(caFile) && File.Exists(ca))
        {
            defaults["Mqtt:CaFile"] = ca;
        }

        return defaults;
    }

    /// <summary>The certificate must be for this device's key and name it, and chain to the CA that came with it.</summary>
    private static void Check(EnrolmentResponse answer, DeviceIdentity identity, ECDsa key)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(answer.Certificate);
            using var ca = X509Certificate2.CreateFromPem(answer.CaCertificate);
            using var certKey = certificate.GetECDsaPublicKey();
            if (certKey is null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()) ||
                certificate.GetNameInfo(X509NameType.SimpleName, false) != identity.DeviceId)
            {
                throw new EnrolmentFailedException($"the hub returned a certificate for '{certificate.Subject}', not for this device's key and serial {identity.DeviceId}");
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid; // a device without a clock may not know the date yet
            if (!chain.Build(certificate))
            {
                throw new EnrolmentFailedException($"the hub's certificate does not chain to the CA it sent ({string.Join(", ", chain.ChainStatus.Select(s => s.Status))})");
            }
        }
        catch (CryptographicException e)
        {
            throw new EnrolmentFailedException($"the hub's answer holds no valid certificate: {e.Message}", e);
        }
    }
}
