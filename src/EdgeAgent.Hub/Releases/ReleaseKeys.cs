using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Identity;

namespace EdgeAgent.Hub.Releases;

/// <summary>
/// Release signing keys: ECDSA P-256, kept by whoever publishes (owner-only PEM), separate from the hub CA and the
/// evidence key. The key id is the first 16 hex digits of SHA-256 of the public key's SubjectPublicKeyInfo
/// (<see cref="Checkpoint.KeyIdOf"/>), as devices compute it from the public key in their configuration.
/// </summary>
internal static class ReleaseKeys
{
    /// <summary>The public key file beside a private key file: <c>release-key.pem</c> → <c>release-key.pub.pem</c>.</summary>
    public static string PublicPathFor(string privatePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(privatePath);
        return privatePath.EndsWith(".pem", StringComparison.Ordinal) ? privatePath[..^4] + ".pub.pem" : privatePath + ".pub.pem";
    }

    /// <summary>Makes a new release key at <paramref name="privatePath"/> (owner-only) and its public key beside it; returns the key id.</summary>
    /// <exception cref="ReleaseException">Either file exists already (nothing is overwritten).</exception>
    public static string Generate(string privatePath)
    {
        var full = Path.GetFullPath(privatePath);
        var publicPath = PublicPathFor(full);
        foreach (var path in new[] { full, publicPath })
        {
            if (File.Exists(path))
            {
                throw new ReleaseException($"{path} exists; a release key is never overwritten (choose another --out, or delete it knowingly)");
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (!PemFiles.TryCreate(full, key.ExportPkcs8PrivateKeyPem(), PemFiles.OwnerOnly))
        {
            throw new ReleaseException($"{full} exists; a release key is never overwritten");
        }

        if (!PemFiles.TryCreate(publicPath, key.ExportSubjectPublicKeyInfoPem(), PemFiles.Readable))
        {
            throw new ReleaseException($"{publicPath} exists; the new private key is at {full} but its public key was not written");
        }

        return Checkpoint.KeyIdOf(key);
    }

    /// <summary>Loads a release private key: the file must exist, be owner-only and hold an EC P-256 private key.</summary>
    /// <exception cref="ReleaseException">It does not; the message names the file.</exception>
    public static ECDsa LoadPrivate(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ReleaseException($"--key {full}: no such file; make a release key with: edgehub models keygen --out {path}");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & ~PemFiles.OwnerOnly) != 0)
        {
            throw new ReleaseException($"--key {full} is readable by others (mode {Convert.ToString((int)File.GetUnixFileMode(full), 8)}); a release key must be owner-only. Run: chmod 600 {full}");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(full));
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"it is a {key.KeySize}-bit key; release keys are EC P-256");
            }

            // A public key imports too, but cannot sign: find out now, not at the signature.
            _ = key.ExportECPrivateKey();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new ReleaseException($"--key {full} is not an EC P-256 private key in PEM: {e.Message}", e);
        }

        return key;
    }
}

/// <summary>A release operation that cannot be done; the message names the file, field or option and what is expected.</summary>
internal sealed class ReleaseException : Exception
{
    public ReleaseException(string message)
        : base(message)
    {
    }

    public ReleaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReleaseException()
    {
    }
}
