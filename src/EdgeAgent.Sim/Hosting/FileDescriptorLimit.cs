using System.Runtime.InteropServices;

namespace EdgeAgent.Sim.Hosting;

/// <summary>
/// Raises this process's open-file limit (RLIMIT_NOFILE) to its hard limit: every virtual device holds one TCP socket,
/// and the usual soft limit of 1024 would stop a fleet at about a thousand connections. setrlimit(2) of the soft limit
/// up to the hard limit needs no privilege.
/// </summary>
internal static partial class FileDescriptorLimit
{
    private const int RlimitNofile = 7; // <bits/resource.h>, Linux on x86-64 and arm64

    /// <summary>Raises the soft limit to the hard limit; returns both after the call (soft, hard), or null off Linux.</summary>
    public static (ulong Soft, ulong Hard)? RaiseToHard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (getrlimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (limit.Current, limit.Maximum);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}
