using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Gives back the pages of code and constant data that only the start touched. Starting touches far more of the
/// executable and of its libraries than running does: the host binds its settings and builds its services, and ONNX
/// Runtime registers every kernel and runs its graph optimisers when it opens a session, so that with blazeface loaded
/// 48 MB of the agent's 79 MB resident were file pages (libonnxruntime.so 18.4 MB, the executable 17.1) of which a
/// pipeline calling once a second uses about 20. Those pages are clean copies of the files: the kernel may drop them
/// whenever it needs memory and read them again on the next touch, so they are not the agent's memory, but they count in
/// its resident set until something else needs the memory, and a device maker sizing a board reads that figure.
/// <para>
/// After the start has settled, the agent asks the kernel to reclaim them now, as it would when memory runs short
/// (<c>madvise(MADV_PAGEOUT)</c>, Linux 5.4 and later; older kernels refuse it and nothing changes); a page another
/// process maps too (libc's) stays, and what the agent still runs is read back on its next touch (from the page cache
/// while it holds the page, else from the file). Only mappings that cannot have a page of their own are asked for:
/// file-backed, private, not writable, and with no anonymous (copied-on-write) page in <c>/proc/self/smaps</c>: for them
/// the file holds exactly what was mapped. Writable data, relocated read-only data (RELRO), heaps and stacks are left
/// alone. MADV_PAGEOUT never discards a page's content (an anonymous page it cannot swap out stays), so a mapping that
/// changed between the listing and the call (a library closed and its addresses reused) loses nothing; MADV_DONTNEED,
/// tried first and measured the same, would have zeroed such a reused anonymous range. Measured on the NativeAOT agent
/// with blazeface on a photo every second: 76–84 MB resident before, 52.3 MB settled after (`./build.sh
/// --target=BenchFootprint`, 2026-12-04) as the running code was read back (README, Footprint).
/// </para>
/// </summary>
internal static partial class StartupPages
{
    private const int MadvPageOut = 21; // madvise(2), asm-generic/mman-common.h

    private static readonly Lock Gate = new();
    private static long _releasedAt = long.MinValue;

    /// <summary>One mapping that may be released: where it starts, how long it is, what it holds resident now.</summary>
    internal readonly record struct Mapping(ulong Start, ulong Length, long ResidentKb, string Path);

    /// <summary>What a release did.</summary>
    internal readonly record struct Released(int Mappings, long ResidentKb, int Refused, bool Skipped);

    /// <summary>
    /// The mappings of an smaps(5) listing that hold only clean file pages: file-backed (a path), private, not writable,
    /// and no anonymous page. Anything the listing does not say plainly (a missing <c>Anonymous:</c> line, a field that
    /// does not parse) rules its mapping out.
    /// </summary>
    internal static List<Mapping> Select(TextReader smaps)
    {
        ArgumentNullException.ThrowIfNull(smaps);
        var chosen = new List<Mapping>();
        (ulong Start, ulong End, bool Candidate, string Path)? current = null;
        long rss = -1, anonymous = -1;

        void Close()
        {
            if (current is { Candidate: true } c && anonymous == 0 && rss > 0)
            {
                chosen.Add(new Mapping(c.Start, c.End - c.Start, rss, c.Path));
            }
        }

        for (var line = smaps.ReadLine(); line is not null; line = smaps.ReadLine())
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields[0].EndsWith(':'))
            {
                if (fields.Length >= 2 && (fields[0] == "Rss:" || fields[0] == "Anonymous:"))
                {
                    var kb = long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
                    if (fields[0] == "Rss:")
                    {
                        rss = kb;
                    }
                    else
                    {
                        anonymous = kb;
                    }
                }

                continue;
            }

            // A mapping's header: start-end perms offset dev inode [path]
            Close();
            current = null;
            rss = anonymous = -1;
            var range = fields[0].Split('-');
            if (fields.Length < 5 || range.Length != 2
                || !ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(range[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end) || end <= start)
            {
                continue;
            }

            var perms = fields[1];
            var path = fields.Length >= 6 ? string.Join(' ', fields.Skip(5)) : string.Empty;
            var candidate = perms.Length == 4 && perms[1] != 'w' && perms[3] == 'p' && path.StartsWith('/') && !path.EndsWith(" (deleted)", StringComparison.Ordinal);
            current = (start, end, candidate, path);
        }

        Close();
        return chosen;
    }

    /// <summary>
    /// Releases this process's startup pages (Linux; elsewhere nothing happens). Several agents in one process share the
    /// pages, so a release within <paramref name="coalesce"/> of the last one is skipped.
    /// </summary>
    public static Released Release(TimeProvider time, TimeSpan coalesce)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!OperatingSystem.IsLinux())
        {
            return new Released(0, 0, 0, Skipped: true);
        }

        lock (Gate)
        {
            var now = time.GetTimestamp();
            if (_releasedAt != long.MinValue && time.GetElapsedTime(_releasedAt, now) < coalesce)
            {
                return new Released(0, 0, 0, Skipped: true);
            }

            List<Mapping> mappings;
            using (var smaps = new StreamReader("/proc/self/smaps"))
            {
                mappings = Select(smaps);
            }

            int released = 0, refused = 0;
            long kb = 0;
            foreach (var m in mappings)
            {
                if (Madvise((nint)m.Start, (nuint)m.Length, MadvPageOut) == 0)
                {
                    released++;
                    kb += m.ResidentKb;
                }
                else
                {
                    refused++; // a kernel before 5.4 or locked pages (EINVAL), or the mapping went away since the listing: left as it is
                }
            }

            _releasedAt = time.GetTimestamp();
            return new Released(released, kb, refused, Skipped: false);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}

/// <summary>
/// Releases the startup pages (<see cref="StartupPages"/>) once the start has settled: <see cref="Settle"/> after every
/// pipeline tried to load its model, and again the same time after each model change (a new session's load touches
/// ONNX Runtime's optimisers again). <c>Agent:ReleaseStartupPages</c> = false leaves them.
/// </summary>
internal sealed class StartupPagesRelease(Updates.PipelineReadiness ready, IOptions<AgentOptions> options, TimeProvider time, ILogger<StartupPagesRelease> logger)
    : BackgroundService
{
    /// <summary>Time after the models loaded (or changed) before the release: the first calls, the hub's connect and clock sync fall in it.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _requests = new(0, 1);

    /// <summary>The active models changed: release again once the swap has settled.</summary>
    public void Request()
    {
        try
        {
            _requests.Release();
        }
        catch (SemaphoreFullException)
        {
            // one is already pending
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _requests.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReleaseStartupPages || !OperatingSystem.IsLinux())
        {
            return;
        }

        await ready.Loaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Settle, time, stoppingToken).ConfigureAwait(false);
            try
            {
                var released = StartupPages.Release(time, Settle);
                if (!released.Skipped)
                {
                    Log.StartupPagesReleased(logger, released.ResidentKb / 1024.0, released.Mappings, released.Refused);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.StartupPagesFailed(logger, e);
                return;
            }

            await _requests.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
