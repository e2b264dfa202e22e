using System.IO.Pipes;
using Tmds.DBus.Protocol;

namespace EdgeAgent.Device.Tests.Systemd;

/// <summary>
/// logind's Manager as the sleep watcher sees it, on a private bus: owns <c>org.freedesktop.login1</c>, answers
/// <c>Inhibit(what, who, why, mode)</c> with the write end of a pipe (as logind does: the lock holds while the descriptor
/// is open) and notices when the caller closes it, calling <c>onRelease</c> at that moment; <see cref="PrepareForSleepAsync"/>
/// emits the signal logind sends before a suspend and after the resume.
/// </summary>
internal sealed class FakeLogind : IPathMethodHandler, IDisposable
{
    private readonly DBusConnection _connection;
    private readonly Func<bool> _onRelease;
    private readonly Lock _gate = new();
    private readonly List<Inhibitor> _inhibitors = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly List<Task> _watches = [];

    private FakeLogind(DBusConnection connection, Func<bool> onRelease)
    {
        _connection = connection;
        _onRelease = onRelease;
    }

    /// <summary>One lock taken: what it was asked for and, once released, what <c>onRelease</c> said at that moment.</summary>
    public sealed record Inhibitor(string What, string Who, string Mode)
    {
        public bool? AtRelease { get; set; }
    }

    public string Path => "/org/freedesktop/login1";

    public bool HandlesChildPaths => false;

    public IReadOnlyList<Inhibitor> Inhibitors
    {
        get
        {
            lock (_gate)
            {
                return [.. _inhibitors];
            }
        }
    }

    /// <param name="onRelease">Called when an inhibitor is closed; its answer is kept as <see cref="Inhibitor.AtRelease"/>.</param>
    public static async Task<FakeLogind> StartAsync(string address, Func<bool> onRelease)
    {
        var connection = new DBusConnection(address);
        await connection.ConnectAsync();
        var logind = new FakeLogind(connection, onRelease);
        connection.AddMethodHandler(logind);
        await connection.RequestNameAsync("org.freedesktop.login1", RequestNameOptions.None);
        return logind;
    }

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        var request = context.Request;
        if (request.InterfaceAsString != "org.freedesktop.login1.Manager" || request.MemberAsString != "Inhibit" || request.SignatureAsString != "ssss")
        {
            context.ReplyUnknownMethodError();
            return ValueTask.CompletedTask;
        }

        var reader = request.GetBodyReader();
        var inhibitor = new Inhibitor(reader.ReadString(), reader.ReadString(), Mode: SkipThen(ref reader));
        var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        using var writer = context.CreateReplyWriter("h");
        writer.WriteHandle(pipe.ClientSafePipeHandle); // the message owns it from here and closes it once sent
        context.Reply(writer.CreateMessage());
        lock (_gate)
        {
            _inhibitors.Add(inhibitor);
            _watches.Add(WatchReleaseAsync(pipe, inhibitor));
        }

        _changed.Release();
        return ValueTask.CompletedTask;

        static string SkipThen(ref Reader reader)
        {
            reader.ReadString(); // why
            return reader.ReadString();
        }
    }

    /// <summary>Emits <c>PrepareForSleep(<paramref name="start"/>)</c>.</summary>
    public void PrepareForSleep(bool start)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteSignalHeader(null, Path, "org.freedesktop.login1.Manager", "PrepareForSleep", "b");
        writer.WriteBool(start);
        if (!_connection.TrySendMessage(writer.CreateMessage()))
        {
            throw new InvalidOperationException("the fake logind is not connected");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the inhibitors, re-checked at every change; false after
    /// <paramref name="bound"/> (a bound, not a measurement).</summary>
    public async Task<bool> WaitUntilAsync(Func<IReadOnlyList<Inhibitor>, bool> condition, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        while (!condition(Inhibitors))
        {
            try
            {
                await _changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return condition(Inhibitors);
            }
        }

        return true;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _changed.Dispose();
    }

    private async Task WatchReleaseAsync(AnonymousPipeServerStream pipe, Inhibitor inhibitor)
    {
        using (pipe)
        {
            var buffer = new byte[1];
            while (await pipe.ReadAsync(buffer) > 0)
            {
            }
        }

        var at = _onRelease();
        lock (_gate)
        {
            inhibitor.AtRelease = at;
        }

        try
        {
            _changed.Release();
        }
        catch (ObjectDisposedException)
        {
            // released after the test ended (the watcher closed its last inhibitor on disposal): nobody waits
        }
    }
}
