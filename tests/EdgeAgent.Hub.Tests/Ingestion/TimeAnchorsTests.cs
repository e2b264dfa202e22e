using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;

namespace EdgeAgent.Hub.Tests.Ingestion;

public sealed class TimeAnchorsTests
{
    private static readonly TimeAnchors Anchors = new([
        new BootAnchor(Boot: 2, OffsetMs: 1_000_000, ErrMs: 20, MinMonoMs: 0, MaxMonoMs: 50_000),
        new BootAnchor(Boot: 5, OffsetMs: 2_000_000, ErrMs: 30, MinMonoMs: 0, MaxMonoMs: 10_000),
    ]);

    [Theory]
    [InlineData(TimeSources.Gnss)]
    [InlineData(TimeSources.Ntp)]
    public void Place_SyncedWallClock_Synced(string source)
    {
        var t = Anchors.Place(boot: 1, monoMs: 5, wallMs: 123_456, source, receivedAtMs: 3_000_000);
        Assert.Equal(new AnchoredTime(TimeStatus.Synced, 123_456, 123_456, 123_456), t);
    }

    [Theory]
    [InlineData(99_999L, 3_000_000L)]   // before the unit was made
    [InlineData(3_000_001L, 3_000_000L)] // after the hub received it
    public void Place_SyncedWallClockImpossible_RejectedAndReAnchored(long wall, long received)
    {
        var made = new TimeAnchors([new BootAnchor(2, 1_000_000, 20, 0, 50_000)], notBeforeMs: 100_000);

        var t = made.Place(boot: 2, monoMs: 400, wallMs: wall, TimeSources.Ntp, receivedAtMs: received);

        Assert.Equal(new AnchoredTime(TimeStatus.Anchored, 1_000_400, 1_000_380, 1_000_420), t);
    }

    [Fact]
    public void Place_BootWithAnchor_AnchoredWithErrorBar()
    {
        var t = Anchors.Place(boot: 2, monoMs: 400, wallMs: 9, TimeSources.Hub, receivedAtMs: 3_000_000);
        Assert.Equal(new AnchoredTime(TimeStatus.Anchored, 1_000_400, 1_000_380, 1_000_420), t);
    }

    [Fact]
    public void Place_BootBetweenAnchoredBoots_BoundedByThem()
    {
        var t = Anchors.Place(boot: 3, monoMs: 400, wallMs: null, TimeSources.None, receivedAtMs: 3_000_000);
        Assert.Equal(TimeStatus.Bounded, t.Status);
        Assert.Equal(1_050_000 - 20, t.LoMs);
        Assert.Equal(2_000_000 + 30, t.HiMs);
    }

    [Fact]
    public void Place_BootAfterLastAnchor_BoundedByReceiveTime()
    {
        var t = Anchors.Place(boot: 6, monoMs: 1, wallMs: null, TimeSources.None, receivedAtMs: 3_000_000);
        Assert.Equal((TimeStatus.Bounded, 2_010_000 - 30L, 3_000_000L), (t.Status, t.LoMs!.Value, t.HiMs!.Value));
    }

    [Fact]
    public void Place_BootBeforeAnyAnchor_Unknown()
    {
        Assert.Equal(AnchoredTime.Unknown, Anchors.Place(boot: 1, monoMs: 1, wallMs: 77, TimeSources.Rtc, receivedAtMs: 3_000_000));
    }
}
