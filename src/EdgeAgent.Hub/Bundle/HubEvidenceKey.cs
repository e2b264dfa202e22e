using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// The hub's evidence-signing key (ECDSA P-256): it signs each evidence bundle's manifest, vouching for what only the
/// hub knows (the enrolled keys, the imports, the report). Kept next to the database as
/// <c>{database}.evidence-key.pem</c>, owner-only, created once; its public half goes into every bundle, and an
/// auditor pins it (<c>edgehub verify --hub-key</c>) from a copy obtained out of band.
/// </summary>
internal static class HubEvidenceKey
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".evidence-key.pem";

    /// <summary>Loads the key beside <paramref name="databasePath"/>, creating it on first use.</summary>
    /// <exception cref="InvalidOperationException">The key file is readable by others or is not a P-256 private key.</exception>
    public static ECDsa LoadOrCreate(string databasePath)
    {
        var path = PathFor(databasePath);
        if (!File.Exists(path))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = path + ".tmp";
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(created.ExportPkcs8PrivateKeyPem());
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: false);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            throw new InvalidOperationException($"{path} is readable by others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); the hub's evidence key must be owner-only. Run: chmod 600 {path}");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new InvalidOperationException($"{path} holds a {key.KeySize}-bit key; the hub signs with EC P-256");
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{path} is not an EC P-256 private key in PEM: {e.Message}", e);
        }

        return key;
    }

    public static string KeyId(ECDsa key) => Checkpoint.KeyIdOf(key);
}
