using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Device.Updates;

/// <summary>Fetches a release's <c>release.json</c> with one GET, refusing more than the size limit.</summary>
internal sealed class HttpReleaseFetcher(HttpClient http) : IReleaseFetcher
{
    public async Task<byte[]> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DownloadException(UpdateFailures.Download, $"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new DownloadException(UpdateFailures.Download, $"{url}: release.json is larger than {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or IOException and not DownloadException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DownloadException(UpdateFailures.Download, $"{url}: {e.Message}", e);
        }
    }
}
