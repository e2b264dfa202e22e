using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Contracts.Enrolment;
using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Identity;

/// <summary>Enrolment as a device does it: a token from the hub's store, a real PKCS#10 CSR signed by the device key, an HTTP POST.</summary>
internal static class Enrolment
{
    public static string Token(HubUnderTest hub, TestDevice device, TimeSpan? ttl = null, TimeProvider? time = null)
    {
        using var store = hub.OpenStore();
        return DeviceIdentityCommands.Issue(new IdentityRecords(store), device.DeviceId, device.ProductId, ttl ?? TimeSpan.FromHours(1), time ?? TimeProvider.System).Token;
    }

    public static string Csr(TestDevice device, ECDsa? key = null, string? commonName = null) =>
        new CertificateRequest(new X500DistinguishedName($"CN={commonName ?? device.DeviceId}, OU={device.ProductId}"), key ?? device.Key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(HubUnderTest hub, string token, string csr)
    {
        using var http = new HttpClient { BaseAddress = hub.Host.HttpUri, Timeout = TimeSpan.FromSeconds(15) };
        using var content = new ByteArrayContent(EnrolmentJson.Write(new EnrolmentRequest { Token = token, Csr = csr }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(EnrolmentRequest.Route, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Enrols the device with a fresh token and returns its certificate with its private key, ready for TLS.</summary>
    public static async Task<X509Certificate2> EnrolAsync(HubUnderTest hub, TestDevice device)
    {
        var (status, body) = await PostAsync(hub, Token(hub, device), Csr(device));
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        var response = EnrolmentJson.ReadResponse(body)!;
        using var certificate = X509Certificate2.CreateFromPem(response.Certificate);
        using var withKey = certificate.CopyWithPrivateKey(device.Key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A certificate for the device's key from a CA that is not the hub's (same names, wrong issuer).</summary>
    public static X509Certificate2 ForeignCertificate(TestDevice device)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Some other CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = TimeProvider.System.GetUtcNow();
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var request = new CertificateRequest($"CN={device.DeviceId}, OU={device.ProductId}", device.Key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(HubCertificateAuthority.DeviceUri(device.ProductId, device.DeviceId));
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.Create(ca, now.AddDays(-1), now.AddDays(1), [9, 9, 9, 9]);
        using var withKey = cert.CopyWithPrivateKey(device.Key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public static string Error(string body) => EnrolmentJson.ReadError(body) ?? body;
}
