using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>Four corners of a (rotated) text box, clockwise from the top-left.</summary>
internal readonly record struct Quad(Point2 TopLeft, Point2 TopRight, Point2 BottomRight, Point2 BottomLeft)
{
    /// <summary>Length of the top edge.</summary>
    public double Width => Distance(TopLeft, TopRight);

    /// <summary>Length of the left edge.</summary>
    public double Height => Distance(TopLeft, BottomLeft);

    public double ShortSide => Math.Min(Width, Height);

    /// <summary>
    /// Orders four corners the way PaddleOCR does (ppocr/postprocess/db_postprocess.py get_mini_boxes and
    /// tools/infer/predict_det.py order_points_clockwise): the two left-most (by x) are the left side, the higher of
    /// them (smaller y) is the top-left; likewise on the right.
    /// </summary>
    public static Quad FromCorners(Point2 a, Point2 b, Point2 c, Point2 d)
    {
        Span<Point2> p = [a, b, c, d];
        // Stable insertion sort by x (Python's sorted() is stable).
        for (var i = 1; i < 4; i++)
        {
            var v = p[i];
            var j = i - 1;
            while (j >= 0 && p[j].X > v.X)
            {
                p[j + 1] = p[j];
                j--;
            }

            p[j + 1] = v;
        }

        var (topLeft, bottomLeft) = p[1].Y > p[0].Y ? (p[0], p[1]) : (p[1], p[0]);
        var (topRight, bottomRight) = p[3].Y > p[2].Y ? (p[2], p[3]) : (p[3], p[2]);
        return new Quad(topLeft, topRight, bottomRight, bottomLeft);
    }

    /// <summary>
    /// This rectangle pushed outward by <paramref name="distance"/> on every side. For a rectangle this is what
    /// PaddleOCR's unclip (pyclipper offset with round joins, db_postprocess.py DBPostProcess.unclip) followed by
    /// the minimum-area rectangle gives: the round corners lie inside the grown rectangle and touch its sides.
    /// </summary>
    public Quad Grow(double distance)
    {
        var (ux, uy) = Unit(TopLeft, TopRight);
        var (vx, vy) = Unit(TopLeft, BottomLeft);
        Point2 Move(Point2 p, double su, double sv) =>
            new((float)(p.X + (((su * ux) + (sv * vx)) * distance)), (float)(p.Y + (((su * uy) + (sv * vy)) * distance)));
        return FromCorners(Move(TopLeft, -1, -1), Move(TopRight, 1, -1), Move(BottomRight, 1, 1), Move(BottomLeft, -1, 1));
    }

    /// <summary>The unclip distance of PaddleOCR's DBPostProcess.unclip: area × ratio / perimeter (shapely Polygon area and length).</summary>
    public double UnclipDistance(double ratio)
    {
        var w = Width;
        var h = Height;
        var perimeter = 2 * (w + h);
        return perimeter <= 0 ? 0 : w * h * ratio / perimeter;
    }

    public Point2[] ToArray() => [TopLeft, TopRight, BottomRight, BottomLeft];

    internal static double Distance(Point2 a, Point2 b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static (double X, double Y) Unit(Point2 from, Point2 to)
    {
        double dx = to.X - from.X, dy = to.Y - from.Y;
        var length = Math.Sqrt((dx * dx) + (dy * dy));
        return length == 0 ? (0, 0) : (dx / length, dy / length);
    }
}
