using EdgeAgent.Core.Vision;
using SkiaSharp;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>Intersection over union of a detected quadrilateral and an axis-aligned rectangle (Sutherland–Hodgman clip, shoelace area).</summary>
internal static class BoxOverlap
{
    public static double IoU(IReadOnlyList<Point2> quad, SKRect rect)
    {
        var polygon = quad.Select(p => (X: (double)p.X, Y: (double)p.Y)).ToList();
        var clipped = Clip(polygon, p => p.X >= rect.Left, (a, b) => AtX(a, b, rect.Left));
        clipped = Clip(clipped, p => p.X <= rect.Right, (a, b) => AtX(a, b, rect.Right));
        clipped = Clip(clipped, p => p.Y >= rect.Top, (a, b) => AtY(a, b, rect.Top));
        clipped = Clip(clipped, p => p.Y <= rect.Bottom, (a, b) => AtY(a, b, rect.Bottom));
        var inter = Area(clipped);
        var union = Area(polygon) + ((double)rect.Width * rect.Height) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private static List<(double X, double Y)> Clip(
        List<(double X, double Y)> polygon, Func<(double X, double Y), bool> inside, Func<(double X, double Y), (double X, double Y), (double X, double Y)> cut)
    {
        var result = new List<(double X, double Y)>();
        for (var i = 0; i < polygon.Count; i++)
        {
            var current = polygon[i];
            var previous = polygon[(i + polygon.Count - 1) % polygon.Count];
            if (inside(current))
            {
                if (!inside(previous))
                {
                    result.Add(cut(previous, current));
                }

                result.Add(current);
            }
            else if (inside(previous))
            {
                result.Add(cut(previous, current));
            }
        }

        return result;
    }

    private static (double X, double Y) AtX((double X, double Y) a, (double X, double Y) b, double x) =>
        (x, a.Y + ((b.Y - a.Y) * (x - a.X) / (b.X - a.X)));

    private static (double X, double Y) AtY((double X, double Y) a, (double X, double Y) b, double y) =>
        (a.X + ((b.X - a.X) * (y - a.Y) / (b.Y - a.Y)), y);

    private static double Area(List<(double X, double Y)> polygon)
    {
        double twice = 0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            twice += (a.X * b.Y) - (b.X * a.Y);
        }

        return Math.Abs(twice) / 2;
    }
}
