using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace EdgeAgent.Packaging.Tests.Systemd;

/// <summary>
/// What systemd's end of <c>NOTIFY_SOCKET</c> sees: a Unix datagram socket bound at <see cref="Path"/> that keeps every
/// sd_notify(3) message a child sends (each datagram holds one or more <c>KEY=VALUE</c> lines), in order.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _receiving = ReceiveAsync();
    }

    public string Path { get; }

    /// <summary>Every message so far.</summary>
    public IReadOnlyList<string> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>
    /// Reads messages until one that <paramref name="match"/> accepts and returns the messages read, that one last;
    /// <paramref name="timeout"/> only guards against a hang.
    /// </summary>
    public async Task<IReadOnlyList<string>> UntilAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var guard = new CancellationTokenSource(timeout);
        var read = new List<string>();
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(guard.Token);
                read.Add(message);
                if (match(message))
                {
                    return read;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s; received: {string.Join(" | ", All)}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _receiving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the socket was closed under the receive
        }

        _stop.Dispose();
        File.Delete(Path);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lock (_all)
                {
                    _all.Add(line);
                }

                _messages.Writer.TryWrite(line);
            }
        }
    }
}
