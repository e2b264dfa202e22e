using System.Diagnostics;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Systemd;

/// <summary>
/// A private <c>dbus-daemon</c> standing in for the system bus: its own socket in a temporary directory, a policy that
/// lets the test own <c>org.freedesktop.login1</c> and pass file descriptors. <see cref="TryStart"/> gives null, with the
/// reason, when the daemon cannot start (not installed, no permission), so the tests skip instead of passing.
/// </summary>
internal sealed class PrivateSystemBus : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(10);

    private readonly Process _daemon;
    private readonly TempDirectory _directory;

    private PrivateSystemBus(Process daemon, TempDirectory directory, string address)
    {
        _daemon = daemon;
        _directory = directory;
        Address = address;
    }

    public string Address { get; }

    public static PrivateSystemBus? TryStart(out string reason)
    {
        const string Daemon = "/usr/bin/dbus-daemon";
        if (!File.Exists(Daemon))
        {
            reason = $"{Daemon} is missing (Debian package dbus-daemon; the build's Test target installs it)";
            return null;
        }

        var directory = new TempDirectory();
        var config = directory.Combine("bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
              "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <listen>unix:path={directory.Combine("bus")}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);
        var start = new ProcessStartInfo(Daemon, ["--config-file", config, "--nofork", "--nopidfile", "--print-address"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? daemon = null;
        try
        {
            daemon = Process.Start(start) ?? throw new InvalidOperationException("no process");
            var line = daemon.StandardOutput.ReadLineAsync();
            if (!line.Wait(StartBound) || line.Result is not { Length: > 0 } address)
            {
                reason = $"dbus-daemon printed no address within {StartBound.TotalSeconds:0} s: {(daemon.HasExited ? daemon.StandardError.ReadToEnd() : "still running")}";
                Stop(daemon);
                directory.Dispose();
                return null;
            }

            reason = "";
            return new PrivateSystemBus(daemon, directory, address.Trim());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            reason = $"dbus-daemon could not start: {e.Message}";
            if (daemon is not null)
            {
                Stop(daemon);
            }

            directory.Dispose();
            return null;
        }
    }

    public void Dispose()
    {
        Stop(_daemon);
        _directory.Dispose();
    }

    private static void Stop(Process daemon)
    {
        if (!daemon.HasExited)
        {
            daemon.Kill();
            daemon.WaitForExit();
        }

        daemon.Dispose();
    }
}
