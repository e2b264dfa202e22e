using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Tests.Vision.Text;

/// <summary>Synthetic detector maps: rectangles (axis-aligned or rotated) painted into a row-major float map.</summary>
internal static class ProbabilityMaps
{
    /// <summary>Sets pixels x0..x1, y0..y1 (inclusive) to <paramref name="value"/>.</summary>
    public static void Block(float[] map, int width, int x0, int y0, int x1, int y1, float value = 0.9f)
    {
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                map[(y * width) + x] = value;
            }
        }
    }

    /// <summary>
    /// Sets every pixel whose centre (integer coordinates) lies inside the rectangle of the given centre, sides and
    /// angle (degrees, clockwise on screen) to <paramref name="value"/>.
    /// </summary>
    public static void Rotated(float[] map, int width, int height, Point2 centre, double length, double thickness, double degrees, float value = 0.9f)
    {
        var a = degrees * Math.PI / 180;
        double ux = Math.Cos(a), uy = Math.Sin(a);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double dx = x - centre.X, dy = y - centre.Y;
                var u = (dx * ux) + (dy * uy);
                var v = (-dx * uy) + (dy * ux);
                if (Math.Abs(u) <= length / 2 && Math.Abs(v) <= thickness / 2)
                {
                    map[(y * width) + x] = value;
                }
            }
        }
    }
}
