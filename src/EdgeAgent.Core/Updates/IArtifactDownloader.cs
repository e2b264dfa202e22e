namespace EdgeAgent.Core.Updates;

/// <summary>What to fetch and where to put it.</summary>
/// <param name="Url">The artifact (or manifest) URL; HTTP(S), range requests used to resume.</param>
/// <param name="Destination">The finished file; bytes accumulate in <c>{Destination}.part</c> until the size is reached.</param>
/// <param name="ExpectedSize">The size the signed manifest (or directive) gives; more bytes than this are refused.</param>
/// <param name="ExpectedSha256">Checked over the whole file once it is complete, when given.</param>
public sealed record DownloadRequest(Uri Url, string Destination, long ExpectedSize, string? ExpectedSha256);

/// <summary>Progress of one download: bytes on disk (including what an earlier attempt left) of the total.</summary>
public readonly record struct DownloadProgress(long Bytes, long Total, int Attempt);

/// <summary>
/// A download that cannot finish. <see cref="Reason"/> is one of <c>download.failed</c> (retries exhausted, the server
/// refused), <c>disk.insufficient</c> (free space below the size plus the margin, checked before the first byte) or
/// <c>hash.mismatch</c> (the complete file is not the expected one; it is deleted) — the codes of
/// <see cref="EdgeAgent.Contracts.Releases.UpdateFailures"/>.
/// </summary>
public sealed class DownloadException(string reason, string message, Exception? inner = null) : IOException(message, inner)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Fetches a file over a link that may drop at any moment: resumes from what is already on disk (a partial file
/// survives a restart of the process), checks free disk before it starts, reports progress and honours a bandwidth
/// limit. Implemented by the agent's HTTP downloader.
/// </summary>
public interface IArtifactDownloader
{
    /// <summary>Completes when <see cref="DownloadRequest.Destination"/> holds the whole file.</summary>
    /// <exception cref="DownloadException">The download cannot finish; the reason says why.</exception>
    Task DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>
/// Fetches a release's signed <c>release.json</c>: a small file whose size the directive does not give (so it is not an
/// <see cref="IArtifactDownloader"/> download, which needs the exact size). Implemented over HTTP by the agent.
/// </summary>
public interface IReleaseFetcher
{
    /// <summary>The file's bytes.</summary>
    /// <exception cref="DownloadException">It cannot be fetched, or is larger than <paramref name="maxBytes"/> (<c>download.failed</c>).</exception>
    Task<byte[]> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken);
}
