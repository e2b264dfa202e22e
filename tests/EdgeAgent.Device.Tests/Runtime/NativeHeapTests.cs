using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// The agent tunes glibc's malloc for a small device at start (two arenas, a fixed 128 KiB mmap threshold) unless the
/// device maker set the matching MALLOC_* variable, which then wins.
/// </summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void Tune_NoVariableSet_AppliesArenaMaxAndMmapThreshold()
    {
        var calls = new List<(int Parameter, int Value)>();

        var applied = NativeHeap.Tune(_ => null, (p, v) => { calls.Add((p, v)); return 1; });

        Assert.Equal(["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"], applied);
        Assert.Equal([(-8, 2), (-3, 128 * 1024)], calls); // M_ARENA_MAX, M_MMAP_THRESHOLD (malloc.h)
    }

    [Theory]
    [InlineData("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", -3)]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "MALLOC_ARENA_MAX", -8)]
    public void Tune_DeviceMakerSetAVariable_LeavesThatSettingAlone(string set, string stillApplied, int stillCalled)
    {
        var calls = new List<int>();

        var applied = NativeHeap.Tune(name => name == set ? "4" : null, (p, _) => { calls.Add(p); return 1; });

        Assert.Equal([stillApplied], applied);
        Assert.Equal([stillCalled], calls);
    }

    [Fact]
    public void Tune_MalloptRefuses_ReportsNothingApplied()
    {
        var applied = NativeHeap.Tune(_ => null, (_, _) => 0);

        Assert.Empty(applied);
    }

    [Fact]
    public void Tune_ThisProcess_GlibcAcceptsBothSettings()
    {
        // The agent and its tests run on Linux with glibc (Debian); the real mallopt(3), as the published agent calls it.
        var applied = NativeHeap.Tune(_ => null, NativeHeap.Mallopt);

        Assert.Equal(["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"], applied);
    }
}
