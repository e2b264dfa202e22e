using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Files;

namespace EdgeAgent.Core.Identity;

/// <summary>What <see cref="IdentityStore.Provision"/> did.</summary>
public enum ProvisionOutcome
{
    /// <summary>A new key pair was created and the identity written.</summary>
    Created,

    /// <summary>The device was already provisioned as asked; its key was kept (only the consent flag may have changed).</summary>
    AlreadyProvisioned,
}

/// <summary>
/// The device's identity and ECDSA P-256 key in its state directory: <c>device-key.pem</c> (PKCS#8, created with mode
/// 0600, never logged or sent), <c>device-key.pub.pem</c> (for enrolment at the hub) and <c>identity.json</c>.
/// The key is created once; provisioning again with the same identity keeps it, and provisioning as another device is
/// refused, because a new key would orphan every record signed with the old one.
/// </summary>
public sealed class IdentityStore(string stateDirectory, TimeProvider time)
{
    public const string KeyFile = "device-key.pem";
    public const string PublicKeyFile = "device-key.pub.pem";
    public const string IdentityFile = "identity.json";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string StateDirectory { get; } = Path.GetFullPath(stateDirectory);

    public string PublicKeyPath => Path.Combine(StateDirectory, PublicKeyFile);

    public ProvisionOutcome Provision(string deviceId, string productId, bool consent)
    {
        foreach (var (name, value) in new[] { ("device", deviceId), ("product", productId) })
        {
            if (!RecordCodec.IsValidId(value))
            {
                throw new ArgumentException($"--{name} '{value}' must be 1-64 of A-Z a-z 0-9 . _ -", name);
            }
        }

        Directory.CreateDirectory(StateDirectory);
        if (File.Exists(Path.Combine(StateDirectory, IdentityFile)))
        {
            var (existing, key) = Load();
            using (key)
            {
                if (existing.DeviceId != deviceId || existing.ProductId != productId)
                {
                    throw new InvalidOperationException(
                        $"{StateDirectory} is already provisioned as device '{existing.DeviceId}' of product '{existing.ProductId}' (key {existing.KeyId}); " +
                        "provisioning it as another device would orphan every record signed with that key. Use another --state-dir for another device.");
                }

                if (existing.Consent != consent)
                {
                    WriteIdentity(existing with { Consent = consent });
                }

                return ProvisionOutcome.AlreadyProvisioned;
            }
        }

        using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteAtomically(KeyFile, created.ExportPkcs8PrivateKeyPem(), OwnerOnly);
        WriteAtomically(PublicKeyFile, created.ExportSubjectPublicKeyInfoPem(), OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        WriteIdentity(new DeviceIdentity
        {
            DeviceId = deviceId,
            ProductId = productId,
            KeyId = Checkpoint.KeyIdOf(created),
            ProvisionedMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Consent = consent,
        });
        return ProvisionOutcome.Created;
    }

    /// <summary>The identity and the private key; the caller disposes the key.</summary>
    /// <exception cref="DeviceNotProvisionedException">Missing, unreadable, too widely readable or mismatched files.</exception>
    public (DeviceIdentity Identity, ECDsa Key) Load()
    {
        var identityPath = Path.Combine(StateDirectory, IdentityFile);
        var keyPath = Path.Combine(StateDirectory, KeyFile);
        if (!File.Exists(identityPath) || !File.Exists(keyPath))
        {
            throw new DeviceNotProvisionedException(
                $"this device is not provisioned ({StateDirectory} has no {(File.Exists(identityPath) ? KeyFile : IdentityFile)}); it records nothing until it is. " +
                "Run: edgeagent provision --device <serial> --product <product-id> --consent");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & ~OwnerOnly) != 0)
        {
            throw new DeviceNotProvisionedException(
                $"{keyPath} is readable by others (mode {Convert.ToString((int)File.GetUnixFileMode(keyPath), 8)}); the device key must be owner-only. Run: chmod 600 {keyPath}");
        }

        DeviceIdentity identity;
        try
        {
            identity = JsonSerializer.Deserialize(File.ReadAllText(identityPath), IdentityJsonContext.Default.DeviceIdentity)
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DeviceNotProvisionedException($"{identityPath} is not a valid identity file: {e.Message}", e);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DeviceNotProvisionedException($"{keyPath} does not hold an EC private key: {e.Message}", e);
        }

        if (Checkpoint.KeyIdOf(key) != identity.KeyId)
        {
            key.Dispose();
            throw new DeviceNotProvisionedException($"{keyPath} is not the key {identityPath} names (key id {identity.KeyId}); restore the original key from backup.");
        }

        return (identity, key);
    }

    private void WriteIdentity(DeviceIdentity identity) =>
        WriteAtomically(IdentityFile, JsonSerializer.Serialize(identity, IdentityJsonContext.Default.DeviceIdentity), OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    private void WriteAtomically(string name, string content, UnixFileMode mode) =>
        AtomicFile.WriteText(Path.Combine(StateDirectory, name), content, mode);
}
