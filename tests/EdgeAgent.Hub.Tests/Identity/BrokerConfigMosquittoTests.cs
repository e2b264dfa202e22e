using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;

namespace EdgeAgent.Hub.Tests.Identity;

/// <summary><c>edgehub broker-config</c> output run by a real Mosquitto, with the hub consuming from it over mqtts with its own certificate.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerConfigMosquittoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Db => _dir.Combine("edgehub.db");

    [Fact]
    public async Task BrokerConfig_RealMosquitto_DeviceCannotPublishAsAnotherAndRevokedIsRefused()
    {
        // Mosquitto drops root to its own user before it reads some files: the state directory must be traversable.
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
        using var device = new TestDevice("GL-0800");
        using var other = new TestDevice("GL-0801");
        using var revoked = new TestDevice("GL-0802");
        X509Certificate2 cert, otherCert, revokedCert;
        using (var store = HubStore.Open(Db))
        using (var ca = HubCertificateAuthority.OpenOrCreate(_dir.Path, TimeProvider.System))
        {
            (cert, otherCert, revokedCert) = (Enrol(store, ca, device), Enrol(store, ca, other), Enrol(store, ca, revoked));
            new IdentityRecords(store).Revoke(new RevocationRow(revoked.DeviceId, "stolen", 1));
        }

        var port = MosquittoBroker.FreeLoopbackPort();
        var outDir = _dir.Combine("mosquitto");
        var written = await MutualTlsBrokerTests.RunHubAsync("broker-config", "--out", outDir, "--listen", $"127.0.0.1:{port}", "--db", Db);
        Assert.True(written.Code == 0, written.Error);
        File.SetUnixFileMode(outDir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(outDir, BrokerConfig.KeyFile), (UnixFileMode)0b110_100_100); // the test's Mosquitto runs as another user
        var acl = File.ReadAllText(Path.Combine(outDir, BrokerConfig.AclFile));
        Assert.Contains($"user {device.DeviceId}\n", acl, StringComparison.Ordinal);
        Assert.DoesNotContain(revoked.DeviceId, acl, StringComparison.Ordinal);

        await using var mosquitto = await MosquittoBroker.StartWithConfigAsync(File.ReadAllText(Path.Combine(outDir, BrokerConfig.ConfigFile)), port);
        var logs = new ListLoggerProvider();
        await using var hub = await HubHost.StartAsync(
            new HubOptions { DatabasePath = Db, Http = "127.0.0.1:0", ExternalBroker = new Uri($"mqtts://127.0.0.1:{port}"), ClientId = "edgehub-test-mosquitto" },
            l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var caCert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(outDir, BrokerConfig.CaFile)));
        var mqtts = new Uri($"mqtts://127.0.0.1:{port}");
        await using var client = await TlsClient.ConnectAsync(mqtts, device.DeviceId, cert, caCert);

        var ownAck = await client.SubscribeAsync(Topics.Ack(device.ProductId, device.DeviceId));
        await client.SubscribeAsync(Topics.Ack(other.ProductId, other.DeviceId)); // Mosquitto grants it and then never delivers what the ACL denies
        await client.PublishAsync(other.EventsTopic, other.Batch(other.NextRecords(2))); // signed by the other device itself: only the ACL stops it
        await client.PublishAsync(device.EventsTopic, device.Batch(device.NextRecords(2)));
        var ack = await client.NextAckAsync(Topics.Ack(device.ProductId, device.DeviceId));
        int heldForOther;
        using (var store = HubStore.Open(Db))
        {
            Assert.Equal(2, store.Records(device.DeviceId, 1).Count);
            heldForOther = store.Records(other.DeviceId, 1).Count;
            Assert.Empty(store.Rejections(other.DeviceId, 10).Latest);
        }

        // The other device itself may publish: the hub acknowledges it on its ack topic, which the first one does not get.
        await using (var otherClient = await TlsClient.ConnectAsync(mqtts, other.DeviceId, otherCert, caCert))
        {
            await otherClient.SubscribeAsync(Topics.Ack(other.ProductId, other.DeviceId));
            var otherBatch = await otherClient.PublishAsync(other.EventsTopic, other.Batch([other.Encode(1, EvidenceRecord.GenesisPrev, monoMs: 7)]));
            Assert.True(otherBatch.IsSuccess, otherBatch.ReasonString);
            Assert.Equal(1, (await otherClient.NextAckAsync(Topics.Ack(other.ProductId, other.DeviceId))).AckedSeq);
        }

        await client.PublishAsync(device.EventsTopic, device.Batch(device.NextRecords(1)));
        Assert.Equal(3, (await client.NextAckAsync(Topics.Ack(device.ProductId, device.DeviceId))).AckedSeq);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, ownAck);
        Assert.Equal(2, ack.AckedSeq);
        Assert.Equal(0, heldForOther);
        Assert.DoesNotContain(Topics.Ack(other.ProductId, other.DeviceId), client.Topics);

        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => TlsClient.ConnectAsync(mqtts, revoked.DeviceId, revokedCert, caCert));
        otherCert.Dispose();
        revokedCert.Dispose();
        cert.Dispose();
    }

    private static X509Certificate2 Enrol(HubStore store, HubCertificateAuthority ca, TestDevice device)
    {
        var token = DeviceIdentityCommands.Issue(new IdentityRecords(store), device.DeviceId, device.ProductId, TimeSpan.FromHours(1), TimeProvider.System).Token;
        var outcome = new DeviceEnrolment(ca, TimeProvider.System).Enrol(store, token, Enrolment.Csr(device));
        Assert.True(outcome.Succeeded, outcome.Message);
        using var certificate = X509Certificate2.CreateFromPem(outcome.CertificatePem);
        using var withKey = certificate.CopyWithPrivateKey(device.Key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
