using System.Runtime.InteropServices;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Tunes glibc's malloc, which holds the native memory of ONNX Runtime, SkiaSharp, SQLite and OpenSSL, for a small device,
/// before anything else allocates. By default glibc gives each thread that allocates its own arena (up to 8 per core) and
/// raises its mmap threshold to the largest block freed so far (up to 32 MB), so that a megabyte freed on one thread-pool
/// thread stays resident in that thread's arena while the next frame asks for another on a different thread. Measured on
/// the NativeAOT agent with blazeface on a photo every second (README, Footprint): 87.9 MB resident by default, 80.3 MB
/// with one arena, 77.4 MB with the mmap threshold fixed at 128 KiB; with background GC off, 84 MB alone and 79-80 MB
/// with both settings below, which also keep it steady (the peak 88 MB, not 92-96). Here: two arenas, and blocks of
/// 128 KiB or more mapped and unmapped on their own, so they go back to the system when freed. The price is latency:
/// ONNX Runtime's per-call buffers are then mapped and unmapped too, and a blazeface call took 2.1-2.2 ms against
/// 1.5-1.7 ms with the threshold at 32 MB (1 MiB costs the same); without the fixed threshold the agent measured 89-99 MB.
/// A device that prefers the latency sets <c>MALLOC_MMAP_THRESHOLD_</c> (in the systemd unit, for example).
/// A device maker's own <c>MALLOC_ARENA_MAX</c> or <c>MALLOC_MMAP_THRESHOLD_</c> (mallopt(3)) wins: that setting is left alone.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>mallopt(3) parameters (glibc malloc.h).</summary>
    internal const int ArenaMaxParameter = -8; // M_ARENA_MAX

    internal const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD

    internal const int ArenaMax = 2;

    internal const int MmapThresholdBytes = 128 * 1024;

    /// <summary>The settings applied, each as (environment variable that overrides it, mallopt parameter, value).</summary>
    internal static readonly (string Variable, int Parameter, int Value)[] Settings =
    [
        ("MALLOC_ARENA_MAX", ArenaMaxParameter, ArenaMax),
        ("MALLOC_MMAP_THRESHOLD_", MmapThresholdParameter, MmapThresholdBytes),
    ];

    /// <summary>Applies the settings on Linux through <paramref name="mallopt"/>; returns the environment variables of those applied.</summary>
    internal static IReadOnlyList<string> Tune(Func<string, string?> environment, Func<int, int, int> mallopt)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mallopt);
        var applied = new List<string>();
        foreach (var (variable, parameter, value) in Settings)
        {
            // mallopt returns 1 on success, 0 on error (an unknown parameter, as on a C library other than glibc).
            if (string.IsNullOrEmpty(environment(variable)) && mallopt(parameter, value) == 1)
            {
                applied.Add(variable);
            }
        }

        return applied;
    }

    /// <summary>Tunes this process's malloc (Linux only; elsewhere nothing happens).</summary>
    public static void TuneProcess()
    {
        if (OperatingSystem.IsLinux())
        {
            Tune(Environment.GetEnvironmentVariable, Mallopt);
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    internal static partial int Mallopt(int parameter, int value);
}
