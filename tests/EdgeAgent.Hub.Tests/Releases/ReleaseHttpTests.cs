using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Releases;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;

namespace EdgeAgent.Hub.Tests.Releases;

/// <summary>The anonymous release routes of a hub in-process, as a device uses them: no account, integrity from the signature and the hash.</summary>
public sealed class ReleaseHttpTests : IAsyncLifetime, IDisposable
{
    private readonly ReleaseFiles _files = new();
    private HubUnderTest _hub = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubUnderTest.StartAsync(mosquitto: false);
        _files.Publish(_hub.DatabasePath);
        _http = new HttpClient { BaseAddress = _hub.Host.HttpUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _hub.Logs.AssertNoErrors();
        await _hub.DisposeAsync();
        _files.Dispose();
    }

    public void Dispose()
    {
        _http.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task ReleaseJson_AnonymousGet_BytesAsStoredAndTheyVerifyWithReleaseTrust()
    {
        using var response = await _http.GetAsync(new Uri("/api/v1/releases/tiny-test/1.0.0/release.json", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using (var store = HubStore.Open(_hub.DatabasePath))
        {
            Assert.Equal(new ReleaseRegistry(store, new ArtifactStore(store.Path), TimeProvider.System).Find(ReleaseFiles.Model, "1.0.0")!.ReleaseJson, bytes);
        }

        var check = _files.Trust().Check(SignedRelease.Parse(bytes));
        Assert.True(check.Accepted, check.Reason);
        Assert.Equal(_files.Sha256, check.Manifest!.Sha256);
    }

    [Fact]
    public async Task ReleaseJson_UnknownVersion_404()
    {
        using var response = await _http.GetAsync(new Uri("/api/v1/releases/tiny-test/9.9.9/release.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Artifact_FullGet_TheBytesWithETagAndAcceptRanges()
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/artifacts/{_files.Sha256}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_files.Bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{_files.Sha256}\"", response.Headers.ETag?.Tag);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task Artifact_RangeGet_206WithContentRangeAndExactlyThoseBytes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/artifacts/{_files.Sha256}");
        request.Headers.Range = new RangeHeaderValue(1000, 4999);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1000-4999/70000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(_files.Bytes[1000..5000], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Artifact_OpenEndedRangeToResume_206WithTheRest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/artifacts/{_files.Sha256}");
        request.Headers.Range = new RangeHeaderValue(65_536, null);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 65536-69999/70000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(_files.Bytes[65_536..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Artifact_RangePastTheEnd_416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/artifacts/{_files.Sha256}");
        request.Headers.Range = new RangeHeaderValue(70_000, 80_000);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */70000", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-hash")]
    [InlineData("..%2F..%2Fedgehub.db")]
    public async Task Artifact_UnknownOrMalformedSha_404(string sha)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/artifacts/{sha}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Releases_AnonymousList_EachReleaseWithItsUrls()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/v1/releases", UriKind.Relative)));

        var release = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("tiny-test", release.GetProperty("name").GetString());
        Assert.Equal(_files.Sha256, release.GetProperty("sha256").GetString());
        Assert.Equal(_files.KeyId, release.GetProperty("key_id").GetString());
        Assert.False(release.GetProperty("key_revoked").GetBoolean());
        Assert.Equal("/api/v1/releases/tiny-test/1.0.0/release.json", release.GetProperty("manifest_path").GetString());
        Assert.Equal($"/api/v1/artifacts/{_files.Sha256}", release.GetProperty("artifact_path").GetString());
    }
}
