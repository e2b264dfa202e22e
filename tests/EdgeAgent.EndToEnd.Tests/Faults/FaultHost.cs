using System.Globalization;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.EndToEnd.Tests.Faults;

/// <summary>
/// What the fault scenarios do to the machine (they need root: namespaces, links, mounts) and the loud skip when they
/// cannot: a scenario that cannot make its fault is skipped with the reason, never passed without it.
/// </summary>
internal static class FaultHost
{
    public const string Ip = "/usr/sbin/ip";
    public const string Mount = "/usr/bin/mount";
    public const string Umount = "/usr/bin/umount";
    public const string FakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The seed of a scenario's random choices: EDGEAGENT_FAULT_SEED to replay a run, else a new one.</summary>
    public static int Seed() =>
        Environment.GetEnvironmentVariable("EDGEAGENT_FAULT_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();

    /// <summary>Skips unless the tests run as root with <paramref name="executables"/> installed, naming what is missing.</summary>
    public static void SkipUnlessRootWith(string fault, params string[] executables)
    {
        Skip.If(Environment.UserName != "root" && !IsRoot(), $"the {fault} fault needs root (namespaces, links, mounts); run the tests as root, as CI does");
        foreach (var e in executables)
        {
            Skip.IfNot(File.Exists(e), $"the {fault} fault needs {e}; ./build.sh --target=Test installs it (build.cake testSystemPackages)");
        }
    }

    /// <summary>Runs a system command to its end; a failure fails the test with its output.</summary>
    public static async Task RunAsync(string executable, params string[] arguments)
    {
        var (code, output, error) = await ChildProcess.RunExecutableAsync(executable, arguments, Path.GetFileName(executable), CommandTimeout);
        Assert.True(code == 0, $"{executable} {string.Join(' ', arguments)} exited with {code}: {output} {error}");
    }

    private static bool IsRoot() => File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
}
