using System.Security.Cryptography;

namespace EdgeAgent.Hub.Identity;

/// <summary>Writes key and certificate files whole (temp file with its final mode from creation, flushed, renamed).</summary>
internal static class PemFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Write(string path, string content, UnixFileMode mode)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        Create(temp, content, mode);
        File.Move(temp, path, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>Writes <paramref name="path"/> only if it does not exist; false (nothing written) when another writer was first.</summary>
    public static bool TryCreate(string path, string content, UnixFileMode mode)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        Create(temp, content, mode);
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }

    /// <summary>
    /// Loads the EC P-256 private key at <paramref name="path"/>, creating it owner-only on first use (when two processes
    /// race, the first rename wins and both load that key).
    /// </summary>
    /// <param name="what">The key's name in messages, e.g. "the hub CA key".</param>
    /// <exception cref="InvalidOperationException">The file is readable by others, or is not an EC P-256 private key.</exception>
    public static ECDsa LoadOrCreateKey(string path, string what)
    {
        if (!File.Exists(path))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _ = TryCreate(path, created.ExportPkcs8PrivateKeyPem(), OwnerOnly);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            throw new InvalidOperationException($"{path} is readable by others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); {what} must be owner-only. Run: chmod 600 {path}");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"a {key.KeySize}-bit key; {what} is EC P-256");
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{path} does not hold {what}, an EC P-256 private key in PEM: {e.Message}", e);
        }

        return key;
    }

    private static void Create(string path, string content, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
