using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// The smallest-area rotated rectangle around a set of points (what PaddleOCR gets from OpenCV's cv2.minAreaRect in
/// db_postprocess.py get_mini_boxes): the convex hull, then one candidate rectangle per hull edge (the optimum has a
/// side on a hull edge), keeping the smallest.
/// </summary>
internal static class MinAreaRectangle
{
    /// <summary>
    /// The rectangle around <paramref name="points"/>, which must be sorted by (y, x) (as <see cref="ConnectedRegions"/>
    /// emits them). <paramref name="hullScratch"/> needs room for <c>points.Length + 1</c> points.
    /// </summary>
    public static Quad Around(ReadOnlySpan<Point2> points, Span<Point2> hullScratch)
    {
        if (points.IsEmpty)
        {
            throw new ArgumentException("no points", nameof(points));
        }

        var count = ConvexHull(points, hullScratch);
        return OfHull(hullScratch[..count]);
    }

    /// <summary>
    /// Andrew's monotone chain over points sorted lexicographically by (y, x); writes the hull counter-clockwise in
    /// y-down screen terms (clockwise in maths terms) without repeating the first point, and returns its size.
    /// Collinear points are dropped.
    /// </summary>
    public static int ConvexHull(ReadOnlySpan<Point2> sorted, Span<Point2> hull)
    {
        var n = sorted.Length;
        if (n < 3)
        {
            sorted.CopyTo(hull);
            return n == 2 && sorted[0] == sorted[1] ? 1 : n;
        }

        var k = 0;
        for (var i = 0; i < n; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0)
            {
                k--;
            }

            hull[k++] = sorted[i];
        }

        var lower = k + 1;
        for (var i = n - 2; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0)
            {
                k--;
            }

            hull[k++] = sorted[i];
        }

        return k - 1;
    }

    /// <summary>The minimum-area rectangle of a convex polygon (any orientation), corners ordered by <see cref="Quad.FromCorners"/>.</summary>
    public static Quad OfHull(ReadOnlySpan<Point2> hull)
    {
        switch (hull.Length)
        {
            case 0:
                throw new ArgumentException("empty hull", nameof(hull));
            case 1:
                return new Quad(hull[0], hull[0], hull[0], hull[0]);
            case 2:
                return Quad.FromCorners(hull[0], hull[1], hull[1], hull[0]);
        }

        var bestArea = double.MaxValue;
        Quad best = default;
        for (var i = 0; i < hull.Length; i++)
        {
            var origin = hull[i];
            var next = hull[(i + 1) % hull.Length];
            double ex = next.X - origin.X, ey = next.Y - origin.Y;
            var length = Math.Sqrt((ex * ex) + (ey * ey));
            if (length == 0)
            {
                continue;
            }

            ex /= length;
            ey /= length;
            double nx = -ey, ny = ex;
            double uMin = double.MaxValue, uMax = double.MinValue, vMin = double.MaxValue, vMax = double.MinValue;
            foreach (var p in hull)
            {
                double dx = p.X - origin.X, dy = p.Y - origin.Y;
                var u = (dx * ex) + (dy * ey);
                var v = (dx * nx) + (dy * ny);
                uMin = Math.Min(uMin, u);
                uMax = Math.Max(uMax, u);
                vMin = Math.Min(vMin, v);
                vMax = Math.Max(vMax, v);
            }

            var area = (uMax - uMin) * (vMax - vMin);
            if (area < bestArea)
            {
                bestArea = area;
                Point2 At(double u, double v) => new((float)(origin.X + (u * ex) + (v * nx)), (float)(origin.Y + (u * ey) + (v * ny)));
                best = Quad.FromCorners(At(uMin, vMin), At(uMax, vMin), At(uMax, vMax), At(uMin, vMax));
            }
        }

        return best;
    }

    private static double Cross(Point2 o, Point2 a, Point2 b) =>
        (((double)a.X - o.X) * ((double)b.Y - o.Y)) - (((double)a.Y - o.Y) * ((double)b.X - o.X));
}
