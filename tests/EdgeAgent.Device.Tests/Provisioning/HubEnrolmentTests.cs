using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Core.Identity;
using EdgeAgent.Device.Provisioning;
using EdgeAgent.Device.Tests.Cli;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Provisioning;

public sealed class HubEnrolmentTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("mqtt://hub:1883", "--hub")]
    [InlineData("not a uri", "--hub")]
    public async Task Provision_BadHub_Exit2NamingTheOption(string hub, string named)
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path, "--hub", hub, "--token", "t");

        Assert.Equal(2, code);
        Assert.Contains($"error: {named}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_HubWithoutToken_Exit2NamingToken()
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path, "--hub", "http://127.0.0.1:8080");

        Assert.Equal(2, code);
        Assert.Contains("error: --token", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("device-key.pem"))); // nothing done on bad input
    }

    [Fact]
    public async Task Provision_HubUnreachable_Exit1KeepsTheKeyAndWritesNoCertificate()
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path, "--hub", $"http://127.0.0.1:{ClosedPort()}", "--token", "t");

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the hub", error, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.Combine("device-key.pem")));
        Assert.False(File.Exists(_temp.Combine(HubEnrolment.CertificateFile)));
    }

    [Fact]
    public void TlsDefaults_EnrolledAndMqtts_UsesStateDirectoryFilesUnlessSetExplicitly()
    {
        File.WriteAllText(_temp.Combine(HubEnrolment.CertificateFile), "cert");
        File.WriteAllText(_temp.Combine(HubEnrolment.CaFile), "ca");

        var defaults = HubEnrolment.TlsDefaults("mqtts://hub:8883", null, null, _temp.Path);
        var explicitCert = HubEnrolment.TlsDefaults("mqtts://hub:8883", "/etc/mine.pem", null, _temp.Path);
        var plain = HubEnrolment.TlsDefaults("mqtt://hub:1883", null, null, _temp.Path);
        var explicitCa = HubEnrolment.TlsDefaults("mqtts://hub:8883", null, "/etc/ca.pem", _temp.Path);

        Assert.Equal(_temp.Combine(HubEnrolment.CertificateFile), defaults["Mqtt:ClientCertFile"]);
        Assert.Equal(_temp.Combine("device-key.pem"), defaults["Mqtt:ClientKeyFile"]);
        Assert.Equal(_temp.Combine(HubEnrolment.CaFile), defaults["Mqtt:CaFile"]);
        Assert.Empty(explicitCert);
        Assert.Empty(plain);
        Assert.False(explicitCa.ContainsKey("Mqtt:CaFile"));
    }

    [Fact]
    public void Existing_CertificateForThisKeyAndSerial_IsFoundAndOneForAnotherKeyIsNot()
    {
        var store = new IdentityStore(_temp.Path, TimeProvider.System);
        store.Provision("GL-0001", "smart-glasses", consent: true);
        var (_, key) = store.Load();
        using (key)
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(_temp.Combine(HubEnrolment.CaFile), "ca");
            Assert.Null(HubEnrolment.Existing(store)); // no certificate yet

            File.WriteAllText(_temp.Combine(HubEnrolment.CertificateFile), SelfSigned(other, "GL-0001"));
            Assert.Null(HubEnrolment.Existing(store)); // another key's certificate: enrol again

            File.WriteAllText(_temp.Combine(HubEnrolment.CertificateFile), SelfSigned(key, "GL-0002"));
            Assert.Null(HubEnrolment.Existing(store)); // another serial

            File.WriteAllText(_temp.Combine(HubEnrolment.CertificateFile), SelfSigned(key, "GL-0001"));
            var existing = HubEnrolment.Existing(store);
            Assert.NotNull(existing);
            Assert.Equal("CN=GL-0001", existing.Issuer);
        }
    }

    private static string SelfSigned(ECDsa key, string serial)
    {
        var request = new CertificateRequest($"CN={serial}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        return certificate.ExportCertificatePem();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
