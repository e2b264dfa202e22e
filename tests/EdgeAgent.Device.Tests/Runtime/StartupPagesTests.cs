using System.Runtime.InteropServices;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// The agent has the kernel reclaim, after its start, the clean file pages only the start touched: mappings that are file-backed,
/// private, not writable and hold no copied-on-write page. Anything else (writable data, relocated read-only data,
/// heaps, stacks, shared or deleted files) must stay, or the process would lose memory it wrote.
/// </summary>
public sealed partial class StartupPagesTests
{
    private const string Listing = """
        55d0c0000000-55d0c0200000 r-xp 00000000 fd:01 101 /usr/bin/edgeagent
        Size:               2048 kB
        Rss:                1200 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me
        55d0c0200000-55d0c0300000 r--p 00200000 fd:01 101 /usr/bin/edgeagent
        Size:               1024 kB
        Rss:                 800 kB
        Anonymous:            24 kB
        VmFlags: rd mr mw me ac
        55d0c0300000-55d0c0310000 rw-p 00300000 fd:01 101 /usr/bin/edgeagent
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000000000-7f0000100000 r--s 00000000 fd:01 202 /var/lib/edgeagent/shared.bin
        Size:               1024 kB
        Rss:                 512 kB
        Anonymous:             0 kB
        7f0000100000-7f0000200000 rw-p 00000000 00:00 0
        Size:               1024 kB
        Rss:                1024 kB
        Anonymous:          1024 kB
        7f0000200000-7f0000201000 r-xp 00000000 00:00 0                          [vdso]
        Size:                  4 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        7f0000300000-7f0000400000 r-xp 00000000 fd:01 303 /opt/old/libold.so (deleted)
        Size:               1024 kB
        Rss:                 100 kB
        Anonymous:             0 kB
        7f0000400000-7f0000500000 r--p 00000000 fd:01 404 /usr/lib/no-anonymous-line.so
        Size:               1024 kB
        Rss:                 100 kB
        7f0000500000-7f0000600000 r-xp 00000000 fd:01 505 /usr/lib/cold.so
        Size:               1024 kB
        Rss:                   0 kB
        Anonymous:             0 kB
        7f0000600000-7f0000800000 r--p 00000000 fd:01 606 /opt/Edge Agent/libonnxruntime.so
        Size:               2048 kB
        Rss:                 900 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me
        """;

    [Fact]
    public void Select_KeepsOnlyCleanPrivateReadOnlyFileMappings()
    {
        var chosen = StartupPages.Select(new StringReader(Listing));

        Assert.Equal(
            [
                new StartupPages.Mapping(0x55d0c0000000, 0x200000, 1200, "/usr/bin/edgeagent"),
                new StartupPages.Mapping(0x7f0000600000, 0x200000, 900, "/opt/Edge Agent/libonnxruntime.so"),
            ],
            chosen);
    }

    [Fact]
    public void Select_Garbage_ChoosesNothing()
    {
        Assert.Empty(StartupPages.Select(new StringReader("not smaps\nRss: 12 kB\nAnonymous: 0 kB\nzz-yy r-xp 0 0 0 /x\nRss: 4 kB\nAnonymous: 0 kB\n")));
    }

    [Fact]
    public void Release_ThisProcess_DropsCleanPagesAndKeepsWhatWasWritten()
    {
        var path = Path.Combine(Path.GetTempPath(), $"startup-pages-{Guid.NewGuid():N}.bin");
        var content = new byte[4 << 20];
        new Random(8).NextBytes(content);
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true); // clean in the page cache: the kernel reclaims a clean file page at once
        }

        try
        {
            using var file = File.OpenHandle(path);
            var length = (nuint)content.Length;
            // A clean private read-only mapping, read all through (code and constant data are mapped so).
            var clean = Mmap(0, length, ProtRead, MapPrivate, file.DangerousGetHandle(), 0);
            // A private mapping written and then made read-only, as the loader does to relocated data (RELRO).
            var written = Mmap(0, length, ProtRead | ProtWrite, MapPrivate, file.DangerousGetHandle(), 0);
            Assert.NotEqual(-1, clean);
            Assert.NotEqual(-1, written);
            try
            {
                Assert.Equal(content, Read(clean, content.Length));
                Marshal.WriteByte(written, 4096, (byte)~content[4096]);
                Assert.Equal(0, Mprotect(written, length, ProtRead));
                var before = ResidentKb(clean);
                Assert.True(before >= 4000, $"the clean mapping holds {before} kB resident after being read through");

                var released = StartupPages.Release(TimeProvider.System, TimeSpan.Zero);

                Assert.False(released.Skipped);
                Assert.True(released.Mappings > 0 && released.ResidentKb >= before, $"released {released.Mappings} mappings, {released.ResidentKb} kB");
                Assert.True(ResidentKb(clean) < before / 4, $"the clean mapping still holds {ResidentKb(clean)} kB of {before}");
                Assert.Equal(content, Read(clean, content.Length)); // read back from the page cache or the file, as it was
                var kept = Read(written, content.Length);
                Assert.Equal((byte)~content[4096], kept[4096]); // the copied-on-write page is untouched
                Assert.Equal(content.AsSpan(8192).ToArray(), kept.AsSpan(8192).ToArray());
            }
            finally
            {
                _ = Munmap(clean, length);
                _ = Munmap(written, length);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Release_AgainWithinTheCoalescingTime_IsSkipped()
    {
        // Several agents in one process (the fleet host) share its pages: one release serves them all.
        var first = StartupPages.Release(TimeProvider.System, TimeSpan.Zero);
        var second = StartupPages.Release(TimeProvider.System, TimeSpan.FromHours(1));

        Assert.False(first.Skipped);
        Assert.True(second.Skipped);
    }

    private static byte[] Read(nint address, int length)
    {
        var copy = new byte[length];
        Marshal.Copy(address, copy, 0, length);
        return copy;
    }

    /// <summary>The Rss of the mapping that starts at <paramref name="address"/>, from /proc/self/smaps.</summary>
    private static long ResidentKb(nint address)
    {
        var header = $"{(ulong)address:x}-";
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (line.StartsWith(header, StringComparison.Ordinal))
            {
                inside = true;
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no mapping at {header} in /proc/self/smaps");
    }

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, nint fd, long offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
