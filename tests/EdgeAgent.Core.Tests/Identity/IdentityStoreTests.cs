using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Identity;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class IdentityStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _temp.Dispose();

    private IdentityStore Store => new(_temp.Combine("state"), _time);

    [Fact]
    public void Provision_FreshDirectory_CreatesAnOwnerOnlyKeyAndTheIdentity()
    {
        Assert.Equal(ProvisionOutcome.Created, Store.Provision("GL-0001", "smart-glasses", consent: true));

        var (identity, key) = Store.Load();
        using (key)
        {
            Assert.Equal(("GL-0001", "smart-glasses", true), (identity.DeviceId, identity.ProductId, identity.Consent));
            Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), identity.ProvisionedMs);
            Assert.Equal(Checkpoint.KeyIdOf(key), identity.KeyId);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Combine("state", IdentityStore.KeyFile)));
            Assert.Empty(Directory.GetFiles(_temp.Combine("state"), "*.tmp"));
        }
    }

    [Fact]
    public void Provision_Again_KeepsTheKeyAndUpdatesConsent()
    {
        Store.Provision("GL-0001", "smart-glasses", consent: false);
        var before = File.ReadAllText(_temp.Combine("state", IdentityStore.KeyFile));

        Assert.Equal(ProvisionOutcome.AlreadyProvisioned, Store.Provision("GL-0001", "smart-glasses", consent: true));

        Assert.Equal(before, File.ReadAllText(_temp.Combine("state", IdentityStore.KeyFile)));
        var (identity, key) = Store.Load();
        key.Dispose();
        Assert.True(identity.Consent);
    }

    [Fact]
    public void Provision_AsAnotherDevice_IsRefusedNamingTheExistingOne()
    {
        Store.Provision("GL-0001", "smart-glasses", consent: true);

        var e = Assert.Throws<InvalidOperationException>(() => Store.Provision("GL-0002", "smart-glasses", consent: true));

        Assert.Contains("already provisioned as device 'GL-0001' of product 'smart-glasses'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GL/0001", "smart-glasses", "--device 'GL/0001'")]
    [InlineData("GL-0001", "", "--product ''")]
    public void Provision_BadId_NamesTheOption(string device, string product, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Store.Provision(device, product, consent: true));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotProvisioned_SaysHowToProvision()
    {
        var e = Assert.Throws<DeviceNotProvisionedException>(() => Store.Load());

        Assert.Contains("edgeagent provision --device <serial> --product <product-id> --consent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyReadableByOthers_IsRefused()
    {
        Store.Provision("GL-0001", "smart-glasses", consent: true);
        var keyPath = _temp.Combine("state", IdentityStore.KeyFile);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = Assert.Throws<DeviceNotProvisionedException>(() => Store.Load());

        Assert.Contains($"chmod 600 {keyPath}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeySwappedForAnother_IsRefused()
    {
        Store.Provision("GL-0001", "smart-glasses", consent: true);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyPath = _temp.Combine("state", IdentityStore.KeyFile);
        File.WriteAllText(keyPath, other.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = Assert.Throws<DeviceNotProvisionedException>(() => Store.Load());

        Assert.Contains("is not the key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicKeyFile_VerifiesCheckpointsSignedWithTheDeviceKey()
    {
        Store.Provision("GL-0001", "smart-glasses", consent: true);
        var (identity, key) = Store.Load();
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(Store.PublicKeyPath));

        var checkpoint = Checkpoint.Sign(key, identity.DeviceId, 42, new string('e', 64));
        key.Dispose();

        Assert.True(checkpoint.VerifiedBy(publicKey, identity.DeviceId));
        Assert.Equal(identity.KeyId, checkpoint.KeyId);
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(Store.PublicKeyPath), StringComparison.Ordinal);
    }
}
