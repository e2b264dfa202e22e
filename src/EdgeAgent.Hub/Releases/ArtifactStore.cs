using System.Security.Cryptography;

namespace EdgeAgent.Hub.Releases;

/// <summary>
/// Model artifacts by content: <c>{database directory}/artifacts/sha256/{first 2 hex}/{sha256}</c>. A file is copied to a
/// temporary name in its final directory while it is hashed, flushed to disk, checked against the hash it must have, and
/// only then renamed into place, so a reader never sees a partial or wrong artifact under a hash.
/// </summary>
internal sealed class ArtifactStore
{
    public ArtifactStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        Root = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, "artifacts", "sha256");
    }

    public string Root { get; }

    /// <summary>Where the artifact with this SHA-256 is (or would be) stored.</summary>
    /// <exception cref="ArgumentException">Not 64 lower-case hex digits.</exception>
    public string PathOf(string sha256)
    {
        if (!IsSha256(sha256))
        {
            throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 lower-case hex digits)", nameof(sha256));
        }

        return Path.Combine(Root, sha256[..2], sha256);
    }

    public bool Contains(string sha256) => IsSha256(sha256) && File.Exists(PathOf(sha256));

    /// <summary>The SHA-256 (lower-case hex) and size of a file.</summary>
    public static (string Sha256, long Size) Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    /// <summary>Stores <paramref name="file"/> under <paramref name="sha256"/>; false when it was already there.</summary>
    /// <exception cref="InvalidDataException">The file's bytes do not hash to <paramref name="sha256"/> (it changed while being read).</exception>
    public bool Put(string file, string sha256)
    {
        var target = PathOf(sha256);
        if (File.Exists(target))
        {
            return false;
        }

        var dir = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{sha256}.{Guid.NewGuid():N}.tmp");
        try
        {
            string actual;
            using (var source = File.OpenRead(file))
            using (var destination = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    destination.Write(buffer, 0, read);
                }

                destination.Flush(flushToDisk: true);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (actual != sha256)
            {
                throw new InvalidDataException($"{file}: its SHA-256 is now {actual}, not {sha256}; did it change while it was published?");
            }

            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return false; // another publisher stored the same bytes first
            }

            return true;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static bool IsSha256(string? s) => s is { Length: 64 } && s.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
