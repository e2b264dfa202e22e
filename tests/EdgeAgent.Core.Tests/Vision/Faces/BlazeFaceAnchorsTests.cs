using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Faces;

namespace EdgeAgent.Core.Tests.Vision.Faces;

public sealed class BlazeFaceAnchorsTests
{
    [Fact]
    public void All_ShortRangeOptions_Has896Anchors512Fine384Coarse()
    {
        Assert.Equal(896, BlazeFaceAnchors.All.Length);
        Assert.Equal(512, BlazeFaceAnchors.FineCount);
        Assert.Equal(384, BlazeFaceAnchors.CoarseCount);
    }

    [Fact]
    public void All_FirstAnchors_AreTheFirstFineCellCentreTwice()
    {
        var anchors = BlazeFaceAnchors.All;

        // 16x16 grid, offset 0.5: (0 + 0.5) / 16.
        Assert.Equal(new Point2(0.03125f, 0.03125f), anchors[0]);
        Assert.Equal(new Point2(0.03125f, 0.03125f), anchors[1]);
        Assert.Equal(new Point2(0.09375f, 0.03125f), anchors[2]);
    }

    [Fact]
    public void All_FineGrid_RunsRowByRow()
    {
        var anchors = BlazeFaceAnchors.All;

        // Cell (x 15, y 0) then cell (x 0, y 1).
        Assert.Equal(new Point2(15.5f / 16, 0.5f / 16), anchors[30]);
        Assert.Equal(new Point2(0.5f / 16, 1.5f / 16), anchors[32]);
        Assert.Equal(new Point2(15.5f / 16, 15.5f / 16), anchors[511]);
    }

    [Fact]
    public void All_CoarseGrid_StartsAt512WithSixAnchorsPerCell()
    {
        var anchors = BlazeFaceAnchors.All;

        for (var i = 512; i < 518; i++)
        {
            Assert.Equal(new Point2(0.0625f, 0.0625f), anchors[i]);
        }

        Assert.Equal(new Point2(0.1875f, 0.0625f), anchors[518]);
    }

    [Fact]
    public void All_LastAnchor_IsTheLastCoarseCellCentre()
    {
        // 8x8 grid: (7 + 0.5) / 8.
        Assert.Equal(new Point2(0.9375f, 0.9375f), BlazeFaceAnchors.All[895]);
    }
}
