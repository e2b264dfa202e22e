using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.TestKit.Mqtt;

/// <summary>
/// A real Mosquitto broker (Debian's package, installed by <c>./build.sh --target=Test</c>) on a free loopback port,
/// for integration tests. It can be stopped and started again on the same port, as a broker restart in the field.
/// Readiness is read from Mosquitto's own log ("... running"), never guessed with a delay.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string config, bool persistence = false)
    {
        _directory = directory;
        Port = port;
        TlsPort = port;
        _config = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllText(_config, config + (persistence ? "" : "\npersistence false") + "\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
    }

    private MosquittoBroker(string directory, int port, TestCertificates? tls, string? alsoListenOn = null)
    {
        _directory = directory;
        Port = port;
        _config = Path.Combine(directory, "mosquitto.conf");
        var tlsListener = "";
        if (tls is not null)
        {
            TlsPort = FreePort();
            tlsListener = $"""
                listener {TlsPort} 127.0.0.1
                cafile {tls.CaFile}
                certfile {tls.ServerCertFile}
                keyfile {tls.ServerKeyFile}
                """;
        }

        File.WriteAllText(_config, $"""
            per_listener_settings false
            listener {port} 127.0.0.1
            {(alsoListenOn is null ? "" : $"listener {port} {alsoListenOn}")}
            {tlsListener}
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            log_type information
            """);
    }

    /// <summary>Tests only ever talk to loopback.</summary>
    public const string Host = "127.0.0.1";

    public int Port { get; }

    /// <summary>The TLS listener's port (server certificate from <see cref="TestCertificates"/>), when started with one.</summary>
    public int? TlsPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts Mosquitto on a free loopback port; with TLS certificates, also a TLS listener on another one.</summary>
    public static Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, cancellationToken);

    /// <inheritdoc cref="StartAsync(CancellationToken)"/>
    public static async Task<MosquittoBroker> StartAsync(TestCertificates? tls, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing; ./build.sh --target=Test installs it (apt-get install mosquitto)");
        }

        var broker = new MosquittoBroker(Directory.CreateTempSubdirectory("edgeagent-mosquitto-").FullName, FreePort(), tls);
        await broker.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return broker;
    }

    /// <summary>
    /// Starts Mosquitto on a free loopback port that also listens, on the same port, on <paramref name="alsoListenOn"/>:
    /// an address of this machine a test gave to an interface it made (the host end of a veth pair into a network
    /// namespace the test created), so that a device in that namespace reaches the broker over a link the test can cut.
    /// </summary>
    public static async Task<MosquittoBroker> StartAlsoOnAsync(string alsoListenOn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(alsoListenOn);
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing; ./build.sh --target=Test installs it (apt-get install mosquitto)");
        }

        var broker = new MosquittoBroker(Directory.CreateTempSubdirectory("edgeagent-mosquitto-").FullName, FreePort(), null, alsoListenOn);
        await broker.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return broker;
    }

    /// <summary>
    /// Starts Mosquitto with a configuration written elsewhere (e.g. by <c>edgehub broker-config</c>) whose only listener
    /// is the TLS one on <paramref name="port"/>; this adds only logging to stderr and no persistence.
    /// </summary>
    public static Task<MosquittoBroker> StartWithConfigAsync(string config, int port, CancellationToken cancellationToken = default) =>
        StartWithConfigAsync(config, port, persistence: false, cancellationToken);

    /// <summary>
    /// Starts Mosquitto with a whole configuration written elsewhere (a shipped one, its ports and paths rewritten), whose
    /// first listener is on <paramref name="port"/>; with <paramref name="persistence"/>, its own persistence settings stand.
    /// </summary>
    public static async Task<MosquittoBroker> StartWithConfigAsync(string config, int port, bool persistence, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing; ./build.sh --target=Test installs it (apt-get install mosquitto)");
        }

        var broker = new MosquittoBroker(Directory.CreateTempSubdirectory("edgeagent-mosquitto-").FullName, port, config, persistence);
        await broker.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return broker;
    }

    /// <summary>Sends SIGHUP: Mosquitto reloads its configuration and ACL file.</summary>
    public void Reload()
    {
        if (_process is { HasExited: false } p)
        {
            using var kill = Process.Start("kill", ["-HUP", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>A free port on loopback, for a listener the caller configures.</summary>
    public static int FreeLoopbackPort() => FreePort();

    /// <summary>Starts the broker (again) on the same port and returns once it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"mosquitto is already running on port {Port}");
        }

        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // Mosquitto's stderr is unbuffered (its stdout is block-buffered into a pipe), so the log is read there.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"mosquitto exited before it was running: {string.Join(" | ", log)}"));
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await StopAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"mosquitto on port {Port} did not report running within {StartTimeout.TotalSeconds} s: {string.Join(" | ", log)}");
        }
    }

    /// <summary>Kills the broker (SIGKILL: no goodbye to clients, as a crash or power cut) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync().ConfigureAwait(false);
            p.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
