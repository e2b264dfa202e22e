using System.Net;
using System.Security.Cryptography;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.Device.Updates.Download;
using EdgeAgent.TestKit.Http;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Device.Tests.Updates;

/// <summary>The release downloader over real HTTP on loopback, against a server that plays a bad link.</summary>
public sealed class HttpArtifactDownloaderTests : IDisposable
{
    private const int Size = 5_000_000;
    private readonly TempDirectory _temp = new();
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(Size);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    private string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_content));

    private HttpArtifactDownloader Downloader(DownloaderOptions? options = null, TimeProvider? time = null) =>
        new(_http, options ?? new DownloaderOptions { RetryDelay = TimeSpan.Zero }, time ?? TimeProvider.System, NullLogger<HttpArtifactDownloader>.Instance);

    private DownloadRequest Request(FlakyHttpServer server, string? sha256 = null) =>
        new(server.Url, _temp.Combine("releases", "model.onnx"), Size, sha256 ?? Sha256);

    [Fact]
    public async Task Download_LinkDropsEvery300Kilobytes_CompletesByResumingWhereItStopped()
    {
        await using var server = new FlakyHttpServer(_content) { DropEvery = 300_000 };
        var reports = new List<DownloadProgress>();

        await Downloader().DownloadAsync(Request(server), new SyncProgress(reports.Add), CancellationToken.None);

        Assert.Equal(_content, await File.ReadAllBytesAsync(_temp.Combine("releases", "model.onnx")));
        Assert.False(File.Exists(_temp.Combine("releases", "model.onnx.part")));
        // A reset loses what the kernel had not handed over yet, so each resume starts at most 300,000 bytes further on.
        var starts = server.RangeStarts;
        Assert.Equal(0, starts[0]);
        Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second > p.First && p.Second - p.First <= 300_000), string.Join(", ", starts));
        Assert.InRange(starts.Count, Size / 300_000 + 1, Size / 1_000);
        Assert.Equal(Size, reports[^1].Bytes);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Bytes <= p.Second.Bytes), "progress never goes back");
    }

    [Fact]
    public async Task Download_ProcessRestartsAfterADrop_NextDownloaderResumesFromThePartFile()
    {
        await using var server = new FlakyHttpServer(_content) { DropEvery = 1_000_000 };
        var first = Downloader(new DownloaderOptions { Attempts = 1, RetryDelay = TimeSpan.Zero });
        var failed = await Assert.ThrowsAsync<DownloadException>(() => first.DownloadAsync(Request(server), null, CancellationToken.None));
        Assert.Equal(UpdateFailures.Download, failed.Reason);
        var kept = new FileInfo(_temp.Combine("releases", "model.onnx.part")).Length;
        Assert.InRange(kept, 1, 1_000_000);

        server.DropEvery = 0;
        await Downloader().DownloadAsync(Request(server), null, CancellationToken.None);

        Assert.Equal([0L, kept], server.RangeStarts);
        Assert.Equal(_content, await File.ReadAllBytesAsync(_temp.Combine("releases", "model.onnx")));
    }

    [Fact]
    public async Task Download_FileIsNotTheRelease_RefusedAsHashMismatchAndDeleted()
    {
        await using var server = new FlakyHttpServer(_content);
        var wrong = new string('0', 64);

        var e = await Assert.ThrowsAsync<DownloadException>(() => Downloader().DownloadAsync(Request(server, wrong), null, CancellationToken.None));

        Assert.Equal(UpdateFailures.HashMismatch, e.Reason);
        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Combine("releases")));
    }

    [Fact]
    public async Task Download_TooLittleFreeDisk_RefusedBeforeTheFirstRequest()
    {
        await using var server = new FlakyHttpServer(_content);
        var downloader = new HttpArtifactDownloader(_http, new DownloaderOptions { MinFreeBytes = 1 << 20 }, TimeProvider.System, NullLogger<HttpArtifactDownloader>.Instance)
        {
            FreeBytes = _ => Size, // the file fits, the margin does not
        };

        var e = await Assert.ThrowsAsync<DownloadException>(() => downloader.DownloadAsync(Request(server), null, CancellationToken.None));

        Assert.Equal(UpdateFailures.DiskFull, e.Reason);
        Assert.Contains("MinFreeBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Download_ServerIgnoresRanges_StartsAgainFromTheFirstByte()
    {
        await using var server = new FlakyHttpServer(_content) { DropEvery = 2_000_000 };
        var downloader = Downloader(new DownloaderOptions { Attempts = 1, RetryDelay = TimeSpan.Zero });
        await Assert.ThrowsAsync<DownloadException>(() => downloader.DownloadAsync(Request(server), null, CancellationToken.None));

        server.DropEvery = 0;
        server.IgnoreRanges = true;
        await Downloader().DownloadAsync(Request(server), null, CancellationToken.None);

        Assert.Equal(_content, await File.ReadAllBytesAsync(_temp.Combine("releases", "model.onnx")));
    }

    [Fact]
    public async Task Download_LinkStalls_EachAttemptTimesOutAndTheDownloadFailsAfterTheAttempts()
    {
        await using var server = new FlakyHttpServer(_content) { Stall = true };
        var options = new DownloaderOptions { Attempts = 2, RetryDelay = TimeSpan.Zero, ReadTimeout = TimeSpan.FromMilliseconds(200) };

        var e = await Assert.ThrowsAsync<DownloadException>(() => Downloader(options).DownloadAsync(Request(server), null, CancellationToken.None));

        Assert.Equal(UpdateFailures.Download, e.Reason);
        Assert.Contains("no bytes for", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Download_ServerAnswers404_FailsAtOnceNamingTheStatus()
    {
        await using var server = new FlakyHttpServer(_content) { FailWith = HttpStatusCode.NotFound };

        var e = await Assert.ThrowsAsync<DownloadException>(() => Downloader().DownloadAsync(Request(server), null, CancellationToken.None));

        Assert.Contains("404", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Download_BandwidthLimit_TakesAsLongAsTheLimitSays()
    {
        var small = _content.AsSpan(0, 300_000).ToArray();
        await using var server = new FlakyHttpServer(small);
        var time = new FakeTimeProvider();
        var limited = Downloader(new DownloaderOptions { BandwidthLimit = 100_000 }, time);
        var started = time.GetTimestamp();

        var download = limited.DownloadAsync(new DownloadRequest(server.Url, _temp.Combine("small.onnx"), small.Length, null), null, CancellationToken.None);
        while (!download.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(download, Task.Delay(5));
        }

        await download;
        var took = time.GetElapsedTime(started);
        Assert.InRange(took.TotalSeconds, 2.9, 3.5); // 300,000 bytes at 100,000 bytes/s
        Assert.Equal(small, await File.ReadAllBytesAsync(_temp.Combine("small.onnx")));
    }

    /// <summary>Progress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
