using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class MinAreaRectangleTests
{
    [Fact]
    public void Around_AxisAlignedBlock_HasCornersOnTheOuterPixelCentres()
    {
        // Pixels x 2..9, y 3..6: OpenCV's contour runs through those pixel coordinates, so the sides are 7 and 3.
        const int w = 16, h = 10;
        var map = new float[w * h];
        ProbabilityMaps.Block(map, w, 2, 3, 9, 6);
        var regions = new ConnectedRegions();
        regions.Find(map, w, h, 0.3f, 10);

        var box = MinAreaRectangle.Around(regions.Outline(0), new Point2[32]);

        AssertClose(new Point2(2, 3), box.TopLeft);
        AssertClose(new Point2(9, 3), box.TopRight);
        AssertClose(new Point2(9, 6), box.BottomRight);
        AssertClose(new Point2(2, 6), box.BottomLeft);
        Assert.Equal(7, box.Width, 4);
        Assert.Equal(3, box.Height, 4);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(-20)]
    [InlineData(8)]
    public void Around_RasterisedRotatedRectangle_RecoversItsAngleSidesAndCentre(double degrees)
    {
        const int w = 100, h = 80;
        var map = new float[w * h];
        ProbabilityMaps.Rotated(map, w, h, new Point2(50, 40), length: 60, thickness: 14, degrees);
        var regions = new ConnectedRegions();
        Assert.Equal(1, regions.Find(map, w, h, 0.3f, 10));

        var box = MinAreaRectangle.Around(regions.Outline(0), new Point2[256]);

        var angle = Math.Atan2(box.TopRight.Y - box.TopLeft.Y, box.TopRight.X - box.TopLeft.X) * 180 / Math.PI;
        Assert.InRange(angle, degrees - 2.5, degrees + 2.5);
        // Pixel centres inside the ideal rectangle span up to one pixel less than its sides.
        Assert.InRange(box.Width, 58, 60.5);
        Assert.InRange(box.Height, 12, 14.5);
        var cx = (box.TopLeft.X + box.BottomRight.X) / 2;
        var cy = (box.TopLeft.Y + box.BottomRight.Y) / 2;
        Assert.InRange(cx, 49, 51);
        Assert.InRange(cy, 39, 41);
    }

    [Fact]
    public void OfHull_ExactCornersOfARotatedRectangle_ReturnsThoseCornersClockwiseFromTopLeft()
    {
        // 40 x 10 rectangle turned 30 degrees clockwise about (50, 50).
        var a = Math.PI / 6;
        Point2 At(double u, double v) => new((float)(50 + (u * Math.Cos(a)) - (v * Math.Sin(a))), (float)(50 + (u * Math.Sin(a)) + (v * Math.Cos(a))));
        var tl = At(-20, -5);
        var tr = At(20, -5);
        var br = At(20, 5);
        var bl = At(-20, 5);
        Span<Point2> hull = [tl, bl, br, tr];

        var box = MinAreaRectangle.OfHull(hull);

        AssertClose(tl, box.TopLeft);
        AssertClose(tr, box.TopRight);
        AssertClose(br, box.BottomRight);
        AssertClose(bl, box.BottomLeft);
        Assert.Equal(40, box.Width, 3);
        Assert.Equal(10, box.Height, 3);
    }

    [Fact]
    public void ConvexHull_InteriorAndCollinearPoints_AreDropped()
    {
        // Sorted by (y, x), as ConnectedRegions emits them.
        Point2[] points = [new(0, 0), new(2, 0), new(4, 0), new(1, 1), new(3, 1), new(0, 2), new(4, 2)];
        var hull = new Point2[points.Length + 1];

        var count = MinAreaRectangle.ConvexHull(points, hull);

        Assert.Equal(4, count);
        Assert.Equal(
            new[] { new Point2(0, 0), new Point2(0, 2), new Point2(4, 0), new Point2(4, 2) }.OrderBy(p => p.X).ThenBy(p => p.Y),
            hull[..count].OrderBy(p => p.X).ThenBy(p => p.Y));
    }

    [Fact]
    public void Around_SinglePixel_HasNoArea()
    {
        var box = MinAreaRectangle.Around([new Point2(5, 7)], new Point2[2]);

        Assert.Equal(0, box.ShortSide);
        Assert.Equal(new Point2(5, 7), box.TopLeft);
    }

    [Fact]
    public void Around_OneRowOfPixels_HasItsLengthAndNoHeight()
    {
        var box = MinAreaRectangle.Around([new Point2(3, 4), new Point2(9, 4)], new Point2[3]);

        Assert.Equal(6, box.Width, 4);
        Assert.Equal(0, box.ShortSide, 4);
    }

    private static void AssertClose(Point2 expected, Point2 actual, float tolerance = 1e-3f) =>
        Assert.True(Math.Abs(expected.X - actual.X) <= tolerance && Math.Abs(expected.Y - actual.Y) <= tolerance, $"expected {expected}, got {actual}");
}
