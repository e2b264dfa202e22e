using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Contracts.Enrolment;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Identity;

/// <summary><c>POST /api/v1/enrol</c> on a real hub: token, CSR, certificate.</summary>
public sealed class EnrolmentTests : IAsyncLifetime
{
    private HubUnderTest _hub = null!;

    public async Task InitializeAsync() => _hub = await HubUnderTest.StartAsync(mosquitto: false);

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Enrol_TokenAndCsr_CertificateChainsToHubCaAndCarriesTheSerial()
    {
        using var device = new TestDevice("GL-0500");

        var (status, body) = await Enrolment.PostAsync(_hub, Enrolment.Token(_hub, device), Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = EnrolmentJson.ReadResponse(body)!;
        using var certificate = X509Certificate2.CreateFromPem(response.Certificate);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Path.GetDirectoryName(_hub.DatabasePath)!, HubCertificateAuthority.CertificateFile)));
        Assert.Equal(ca.Thumbprint, X509Certificate2.CreateFromPem(response.CaCertificate).Thumbprint);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
        Assert.Equal(device.DeviceId, certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(["urn:edgeagent:smart-glasses:GL-0500"], HubCertificateAuthority.SubjectUris(certificate));
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        using var certKey = certificate.GetECDsaPublicKey()!;
        Assert.Equal(device.Key.ExportSubjectPublicKeyInfo(), certKey.ExportSubjectPublicKeyInfo());
        using var store = _hub.OpenStore();
        Assert.Equal(Checkpoint.KeyIdOf(device.Key), store.FindDevice(device.DeviceId)!.KeyId); // enrolled for ingestion too
    }

    [Fact]
    public async Task Enrol_ExpiredToken_Refused401()
    {
        using var device = new TestDevice("GL-0501");
        var twoHoursAgo = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-2));
        var token = Enrolment.Token(_hub, device, TimeSpan.FromHours(1), twoHoursAgo);

        var (status, body) = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", Enrolment.Error(body), StringComparison.Ordinal);
        using var store = _hub.OpenStore();
        Assert.Null(store.FindDevice(device.DeviceId));
    }

    [Fact]
    public async Task Enrol_TokenUsedTwice_SecondRefused401()
    {
        using var device = new TestDevice("GL-0502");
        var token = Enrolment.Token(_hub, device);

        var first = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device));
        var second = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Contains("already used", Enrolment.Error(second.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrol_UnknownToken_Refused401()
    {
        using var device = new TestDevice("GL-0503");

        var (status, body) = await Enrolment.PostAsync(_hub, IdentityRecords.NewToken(), Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("not an enrolment token", Enrolment.Error(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrol_OtherKeyForEnrolledSerial_Refused409AndTokenNotSpent()
    {
        using var device = new TestDevice("GL-0504");
        using var impostor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _hub.Enroll(device); // key-only enrolment, as `edgehub devices enroll --key` does
        var token = Enrolment.Token(_hub, device);

        var wrong = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device, impostor));
        var right = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.Conflict, wrong.Status);
        Assert.Contains("already enrolled with key", Enrolment.Error(wrong.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.Status);
        using var store = _hub.OpenStore();
        Assert.Single(new IdentityRecords(store).Certificates(), c => c.DeviceId == device.DeviceId && c.KeyId == Checkpoint.KeyIdOf(device.Key));
    }

    [Fact]
    public async Task Enrol_CsrNamingAnotherDevice_Refused400()
    {
        using var device = new TestDevice("GL-0505");

        var (status, body) = await Enrolment.PostAsync(_hub, Enrolment.Token(_hub, device), Enrolment.Csr(device, commonName: "GL-0506"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'GL-0506' is not device 'GL-0505'", Enrolment.Error(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"token":"x","csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"}""")]
    public async Task Enrol_MalformedBodyOrCsr_Refused400(string json)
    {
        using var http = new HttpClient { BaseAddress = _hub.Host.HttpUri };
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri(EnrolmentRequest.Route, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(EnrolmentJson.ReadError(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Enrol_RevokedDevice_Refused403()
    {
        using var device = new TestDevice("GL-0507");
        var token = Enrolment.Token(_hub, device);
        using (var store = _hub.OpenStore())
        {
            new IdentityRecords(store).Revoke(new RevocationRow(device.DeviceId, "stolen", 1));
        }

        var (status, body) = await Enrolment.PostAsync(_hub, token, Enrolment.Csr(device));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("revoked", Enrolment.Error(body), StringComparison.Ordinal);
    }
}
