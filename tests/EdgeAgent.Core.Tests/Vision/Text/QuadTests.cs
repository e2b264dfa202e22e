using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class QuadTests
{
    [Fact]
    public void UnclipDistance_100By20RectangleRatio1point5_IsAreaTimesRatioOverPerimeter()
    {
        var box = new Quad(new(10, 10), new(110, 10), new(110, 30), new(10, 30));

        // 2000 * 1.5 / 240
        Assert.Equal(12.5, box.UnclipDistance(1.5), 6);
    }

    [Fact]
    public void Grow_AxisAlignedRectangleByUnclipDistance_MovesEverySideOutward()
    {
        var box = new Quad(new(10, 10), new(110, 10), new(110, 30), new(10, 30));

        var grown = box.Grow(box.UnclipDistance(1.5));

        Assert.Equal(new Quad(new(-2.5f, -2.5f), new(122.5f, -2.5f), new(122.5f, 42.5f), new(-2.5f, 42.5f)), grown);
        Assert.Equal(125, grown.Width, 4);
        Assert.Equal(45, grown.Height, 4);
    }

    [Fact]
    public void Grow_RotatedRectangle_KeepsCentreAndAngleAndAddsTwiceTheDistanceToEachSide()
    {
        var a = Math.PI / 9; // 20 degrees
        Point2 At(double u, double v) => new((float)(200 + (u * Math.Cos(a)) - (v * Math.Sin(a))), (float)(100 + (u * Math.Sin(a)) + (v * Math.Cos(a))));
        var box = Quad.FromCorners(At(-60, -10), At(60, -10), At(60, 10), At(-60, 10));

        var grown = box.Grow(5);

        Assert.Equal(130, grown.Width, 3);
        Assert.Equal(30, grown.Height, 3);
        Assert.Equal(At(-65, -15).X, grown.TopLeft.X, 3);
        Assert.Equal(At(-65, -15).Y, grown.TopLeft.Y, 3);
        Assert.Equal(At(65, 15).X, grown.BottomRight.X, 3);
        Assert.Equal(At(65, 15).Y, grown.BottomRight.Y, 3);
    }

    [Fact]
    public void FromCorners_AnyOrder_ReturnsClockwiseFromTopLeft()
    {
        Point2 tl = new(10, 12), tr = new(90, 8), br = new(92, 30), bl = new(11, 33);

        var box = Quad.FromCorners(br, tl, bl, tr);

        Assert.Equal(new Quad(tl, tr, br, bl), box);
    }
}
