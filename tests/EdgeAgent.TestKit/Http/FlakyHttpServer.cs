using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeAgent.TestKit.Http;

/// <summary>
/// A real HTTP/1.1 server on a loopback port that serves one file, honours <c>Range: bytes=N-</c> (206 with
/// Content-Range; 416 past the end) and plays a bad link: it closes the connection after <see cref="DropEvery"/> body
/// bytes of each response, or sends headers and then nothing when <see cref="Stall"/> is set. Counts the requests and
/// remembers the ranges asked for.
/// </summary>
public sealed class FlakyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly byte[] _content;
    private readonly List<long> _ranges = [];
    private int _requests;

    public FlakyHttpServer(byte[] content)
    {
        _content = content;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/artifact");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>Body bytes sent per response before the connection is cut; 0 = never cut.</summary>
    public int DropEvery { get; set; }

    /// <summary>Send the headers of each response, then nothing (a stalled link).</summary>
    public bool Stall { get; set; }

    /// <summary>Answer range requests with the whole file (200), as a server without range support does.</summary>
    public bool IgnoreRanges { get; set; }

    /// <summary>Answer every request with this status and no body, when set.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The first byte each request asked for (0 without a Range header).</summary>
    public IReadOnlyList<long> RangeStarts
    {
        get
        {
            lock (_ranges)
            {
                return [.. _ranges];
            }
        }
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream).ConfigureAwait(false);
                Interlocked.Increment(ref _requests);
                long start = 0;
                foreach (var line in head.Split("\r\n"))
                {
                    if (line.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase))
                    {
                        start = long.Parse(line["Range: bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
                    }
                }

                lock (_ranges)
                {
                    _ranges.Add(start);
                }

                if (FailWith is { } status)
                {
                    await WriteAsync(stream, $"HTTP/1.1 {(int)status} {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    return;
                }

                if (IgnoreRanges)
                {
                    start = 0;
                }

                if (start >= _content.Length)
                {
                    await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{_content.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    return;
                }

                var length = _content.Length - start;
                await WriteAsync(stream, start > 0
                    ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{_content.Length - 1}/{_content.Length}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
                    : $"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                if (Stall)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                }

                var send = DropEvery > 0 ? Math.Min(length, DropEvery) : length;
                await stream.WriteAsync(_content.AsMemory((int)start, (int)send), _stop.Token).ConfigureAwait(false);
                if (send < length)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // a reset, as a dropped link gives
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    private async Task WriteAsync(NetworkStream stream, string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token).ConfigureAwait(false);

    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, _stop.Token).ConfigureAwait(false) == 0)
            {
                throw new IOException("the client closed before the end of its request");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
