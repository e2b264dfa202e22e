using System.Net;
using System.Net.Http.Headers;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Updates;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Updates.Download;

/// <summary>
/// Fetches release artifacts over HTTP(S), resuming with range requests. Bytes go to <c>{destination}.part</c>, flushed
/// after every chunk, so what arrived before a dropped link or a restart of the process is kept; the next attempt asks
/// for <c>bytes={have}-</c>. An attempt that brings new bytes resets the failure count, so a link that drops every few
/// hundred kilobytes still finishes. Free disk is checked before the first byte, the whole file is hashed before it
/// is renamed into place, and an optional bandwidth limit paces the reads.
/// </summary>
internal sealed class HttpArtifactDownloader(HttpClient http, DownloaderOptions options, TimeProvider time, ILogger<HttpArtifactDownloader> logger)
    : IArtifactDownloader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Free bytes on the file system of a directory; a seam for the disk check's tests.</summary>
    internal Func<string, long> FreeBytes { get; init; } = directory => new DriveInfo(directory).AvailableFreeSpace;

    public async Task DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ExpectedSize <= 0)
        {
            throw new ArgumentException($"the expected size of {request.Url} must be positive", nameof(request));
        }

        var destination = Path.GetFullPath(request.Destination);
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        if (File.Exists(destination) && new FileInfo(destination).Length == request.ExpectedSize
            && (request.ExpectedSha256 is null || await ModelCache.Sha256OfFileAsync(destination, cancellationToken).ConfigureAwait(false) == request.ExpectedSha256))
        {
            progress?.Report(new DownloadProgress(request.ExpectedSize, request.ExpectedSize, 0));
            return;
        }

        var part = destination + ".part";
        await using (var file = new FileStream(part, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous))
        {
            if (file.Length > request.ExpectedSize)
            {
                file.SetLength(0);
            }

            CheckDisk(request, directory, file.Length);
            Log.Starting(logger, request.Url, file.Length, request.ExpectedSize);
            await FetchAsync(request, file, progress, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        if (request.ExpectedSha256 is { } expected && await ModelCache.Sha256OfFileAsync(part, cancellationToken).ConfigureAwait(false) is var actual && actual != expected)
        {
            File.Delete(part);
            throw new DownloadException(UpdateFailures.HashMismatch, $"{request.Url}: the downloaded file has SHA-256 {actual}, not the release's {expected}; it was deleted");
        }

        File.Move(part, destination, overwrite: true);
    }

    private void CheckDisk(DownloadRequest request, string directory, long have)
    {
        var needed = request.ExpectedSize - have + options.MinFreeBytes;
        var free = FreeBytes(directory);
        if (free < needed)
        {
            throw new DownloadException(
                UpdateFailures.DiskFull,
                $"{directory} has {free:N0} bytes free; the download of {request.Url} needs {request.ExpectedSize - have:N0} more plus the {options.MinFreeBytes:N0} bytes Updates:Download:MinFreeBytes keeps free");
        }
    }

    private async Task FetchAsync(DownloadRequest request, FileStream file, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        var pacer = new Pacer(options.BandwidthLimit, time);
        var failures = 0;
        var requests = 0;
        while (file.Length < request.ExpectedSize)
        {
            var before = file.Length;
            requests++;
            string? dropped;
            try
            {
                dropped = await AttemptAsync(request, file, buffer, pacer, progress, requests, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not DownloadException && (e is HttpRequestException or IOException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)))
            {
                dropped = e is OperationCanceledException ? $"no bytes for {options.ReadTimeout}" : e.Message;
            }

            if (dropped is null)
            {
                continue;
            }

            failures = file.Length > before ? 1 : failures + 1;
            if (failures >= options.Attempts)
            {
                throw new DownloadException(UpdateFailures.Download, $"{request.Url}: {options.Attempts} attempt(s) in a row brought no new byte ({file.Length:N0} of {request.ExpectedSize:N0} on disk); last: {dropped}");
            }

            var delay = TimeSpan.FromTicks(Math.Min(options.RetryDelay.Ticks << Math.Min(failures - 1, 16), TimeSpan.FromSeconds(60).Ticks));
            Log.Dropped(logger, request.Url, file.Length, request.ExpectedSize, failures, options.Attempts, delay, dropped);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }

        Log.Completed(logger, request.Url, request.ExpectedSize, requests);
    }

    /// <summary>One request from the current end of the file; null when it ended normally, else why it dropped.</summary>
    private async Task<string?> AttemptAsync(
        DownloadRequest request, FileStream file, byte[] buffer, Pacer pacer, IProgress<DownloadProgress>? progress, int attempt, CancellationToken cancellationToken)
    {
        var offset = file.Length;
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
        if (offset > 0)
        {
            message.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(options.ReadTimeout);
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From != offset:
                return $"the server answered range {offset}- with {response.Content.Headers.ContentRange}";
            case HttpStatusCode.PartialContent:
                break;
            case HttpStatusCode.OK:
                if (offset > 0)
                {
                    Log.RangeIgnored(logger, request.Url);
                    file.SetLength(0);
                    offset = 0;
                }

                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                // The part holds bytes the server does not have (another file under the same name): start over.
                file.SetLength(0);
                return $"the server has no bytes from {offset} on (416)";
            default:
                throw new DownloadException(UpdateFailures.Download, $"{request.Url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        file.Seek(offset, SeekOrigin.Begin);
        var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            while (true)
            {
                idle.CancelAfter(options.ReadTimeout);
                var want = (int)Math.Min(buffer.Length, pacer.Allowance(buffer.Length));
                var read = await body.ReadAsync(buffer.AsMemory(0, want), idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return file.Length >= request.ExpectedSize ? null : $"the connection ended at byte {file.Length:N0}";
                }

                if (file.Length + read > request.ExpectedSize)
                {
                    file.SetLength(0);
                    throw new DownloadException(UpdateFailures.Download, $"{request.Url}: the server sent more than the release's {request.ExpectedSize:N0} bytes");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                progress?.Report(new DownloadProgress(file.Length, request.ExpectedSize, attempt));
                await pacer.SpentAsync(read, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Paces reads to a byte rate: after each read it waits until the bytes so far fit the rate since the start.</summary>
    private sealed class Pacer(long bytesPerSecond, TimeProvider time)
    {
        private readonly long _started = time.GetTimestamp();
        private long _bytes;

        /// <summary>At most a tenth of a second's worth per read, so the pacing stays smooth.</summary>
        public long Allowance(int max) => bytesPerSecond <= 0 ? max : Math.Clamp(bytesPerSecond / 10, 1, max);

        public Task SpentAsync(int bytes, CancellationToken cancellationToken)
        {
            if (bytesPerSecond <= 0)
            {
                return Task.CompletedTask;
            }

            _bytes += bytes;
            var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond) - time.GetElapsedTime(_started);
            return due > TimeSpan.Zero ? Task.Delay(due, time, cancellationToken) : Task.CompletedTask;
        }
    }
}
