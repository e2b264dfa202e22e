using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.TestKit.Postgres;

/// <summary>
/// A real PostgreSQL server (Debian's <c>postgresql</c> package, installed by <c>./build.sh --target=Test</c>) on a
/// temporary data directory, a free loopback port and a unix socket in that directory, for integration tests. initdb and
/// pg_ctl run as the <c>postgres</c> OS user through <c>runuser</c> when the tests run as root (PostgreSQL refuses root).
/// Trust authentication for the one superuser <see cref="User"/>: loopback only, and the directory is removed at the end.
/// Durability settings are off (fsync, synchronous_commit): the tests kill hub workers, never the server.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The superuser initdb makes.</summary>
    public const string User = "edgehub";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private int _databases;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The directory of the server's unix socket.</summary>
    public string SocketDirectory => Path.Combine(_directory, "sock");

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Why a server cannot run on this machine (missing package, root without a postgres user), or null.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")) || !File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
        {
            return $"PostgreSQL 15 is not installed ({BinDirectory}/initdb missing); ./build.sh --target=Test installs it (apt-get install postgresql)";
        }

        if (Environment.UserName == "root" && !File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            return "the tests run as root and there is no 'postgres' OS user to run PostgreSQL as (it refuses root); the postgresql package creates it";
        }

        return null;
    }

    /// <summary>initdb on a temporary directory, then pg_ctl start; returns once the server accepts connections.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Unavailable"/> says why, or initdb or pg_ctl failed (their output in the message).</exception>
    public static async Task<PostgresServer> StartAsync()
    {
        if (Unavailable() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var directory = Directory.CreateTempSubdirectory("edgeagent-postgres-").FullName;
        var server = new PostgresServer(directory, FreePort());
        try
        {
            Directory.CreateDirectory(server.SocketDirectory);
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false).ConfigureAwait(false);
            }

            await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", server.DataDirectory, "-U", User, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]).ConfigureAwait(false);
            var settings = string.Join(' ',
                $"-p {server.Port.ToString(CultureInfo.InvariantCulture)}", "-h 127.0.0.1", $"-k {server.SocketDirectory}",
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=64", "-c shared_buffers=64MB");
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["start", "-w", "-t", "60", "-D", server.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-o", settings]).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>A new, empty database; returns its URI (<c>postgres://edgehub@127.0.0.1:PORT/NAME</c>).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "hub")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}";
        await RunAsync(Path.Combine(BinDirectory, "createdb"), ["-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, name]).ConfigureAwait(false);
        return Uri(name);
    }

    /// <summary>The URI of <paramref name="database"/> over TCP on loopback.</summary>
    public string Uri(string database) => $"postgres://{User}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    /// <summary>The URI of <paramref name="database"/> over the unix socket.</summary>
    public string SocketUri(string database) => $"postgres:///{database}?host={SocketDirectory}&port={Port.ToString(CultureInfo.InvariantCulture)}&user={User}";

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-w", "-m", "immediate", "-D", DataDirectory]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the directory goes anyway.
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && Environment.UserName == "root")
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s");
        }

        // pg_ctl start -l hands the server the log file, not these pipes: they end with pg_ctl.
        var text = $"{await error.ConfigureAwait(false)} {await output.ConfigureAwait(false)}";
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {text}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
