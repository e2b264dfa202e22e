using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class ConnectedRegionsTests
{
    private const int W = 20;
    private const int H = 12;

    [Fact]
    public void Find_TwoSeparateBlocks_ReturnsTwoRegionsInRasterOrderWithRowExtremes()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 12, 1, 15, 2);
        ProbabilityMaps.Block(map, W, 2, 5, 6, 7);
        var regions = new ConnectedRegions();

        var count = regions.Find(map, W, H, threshold: 0.3f, maxRegions: 10);

        Assert.Equal(2, count);
        Assert.Equal([new(12, 1), new(15, 1), new(12, 2), new(15, 2)], regions.Outline(0).ToArray());
        Assert.Equal([new(2, 5), new(6, 5), new(2, 6), new(6, 6), new(2, 7), new(6, 7)], regions.Outline(1).ToArray());
    }

    [Fact]
    public void Find_PixelsTouchingOnlyAtACorner_AreOneRegion()
    {
        // cv2.findContours treats the foreground as 8-connected.
        var map = new float[W * H];
        map[(3 * W) + 3] = 1;
        map[(4 * W) + 4] = 1;
        map[(5 * W) + 3] = 1;
        var regions = new ConnectedRegions();

        Assert.Equal(1, regions.Find(map, W, H, 0.3f, 10));
        Assert.Equal([new(3, 3), new(4, 4), new(3, 5)], regions.Outline(0).ToArray());
    }

    [Fact]
    public void Find_ValuesEqualToTheThreshold_AreBackground()
    {
        // DBPostProcess: segmentation = pred > thresh (strictly).
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 1, 1, 5, 5, value: 0.3f);
        ProbabilityMaps.Block(map, W, 10, 1, 12, 3, value: 0.31f);
        var regions = new ConnectedRegions();

        Assert.Equal(1, regions.Find(map, W, H, 0.3f, 10));
        Assert.Equal(new Point2(10, 1), regions.Outline(0)[0]);
    }

    [Fact]
    public void Find_RingWithAHole_IsOneRegionWhoseOutlineIsTheOuterBoundary()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 2, 2, 8, 8);
        ProbabilityMaps.Block(map, W, 4, 4, 6, 6, value: 0);
        var regions = new ConnectedRegions();

        Assert.Equal(1, regions.Find(map, W, H, 0.3f, 10));
        var outline = regions.Outline(0).ToArray();
        Assert.Equal(14, outline.Length);
        Assert.All(outline, p => Assert.True(p.X is 2 or 8, $"{p} is not on the outer boundary"));
    }

    [Fact]
    public void Find_MoreRegionsThanTheLimit_StopsAtTheLimit()
    {
        var map = new float[W * H];
        for (var i = 0; i < 5; i++)
        {
            ProbabilityMaps.Block(map, W, i * 4, 0, (i * 4) + 1, 1);
        }

        var regions = new ConnectedRegions();

        Assert.Equal(5, regions.Find(map, W, H, 0.3f, 10));
        Assert.Equal(3, regions.Find(map, W, H, 0.3f, 3));
        Assert.Equal(new Point2(8, 0), regions.Outline(2)[0]);
    }

    [Fact]
    public void Find_SecondCallWithAnEmptySmallerMap_ForgetsTheFirst()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 0, 0, 19, 11);
        var regions = new ConnectedRegions();
        regions.Find(map, W, H, 0.3f, 10);

        var count = regions.Find(new float[4 * 4], 4, 4, 0.3f, 10);

        Assert.Equal(0, count);
        Assert.Equal(0, regions.Count);
    }
}
