namespace EdgeAgent.Core.Vision;

/// <summary>A 2-D affine map: x' = A·x + B·y + C, y' = D·x + E·y + F.</summary>
public readonly record struct Affine2(double A, double B, double C, double D, double E, double F)
{
    public static Affine2 Identity => new(1, 0, 0, 0, 1, 0);

    public static Affine2 Scale(double sx, double sy) => new(sx, 0, 0, 0, sy, 0);

    public static Affine2 Translate(double dx, double dy) => new(1, 0, dx, 0, 1, dy);

    /// <summary>Counter-clockwise rotation by <paramref name="radians"/> about the origin (y down, so it looks clockwise on screen).</summary>
    public static Affine2 Rotate(double radians) =>
        new(Math.Cos(radians), -Math.Sin(radians), 0, Math.Sin(radians), Math.Cos(radians), 0);

    /// <summary>The map that sends three source points to three destination points.</summary>
    public static Affine2 FromTriangles(Point2 s0, Point2 s1, Point2 s2, Point2 d0, Point2 d1, Point2 d2)
    {
        // Solve [sx sy 1] * [A D; B E; C F] = [dx dy] for the three pairs (Cramer's rule).
        double det = (s0.X * (s1.Y - s2.Y)) - (s0.Y * (s1.X - s2.X)) + ((s1.X * s2.Y) - (s2.X * s1.Y));
        if (Math.Abs(det) < 1e-12)
        {
            throw new ArgumentException("the source points are collinear");
        }

        (double, double, double) Solve(double v0, double v1, double v2)
        {
            var a = ((v0 * (s1.Y - s2.Y)) - (s0.Y * (v1 - v2)) + ((v1 * s2.Y) - (v2 * s1.Y))) / det;
            var b = ((s0.X * (v1 - v2)) - (v0 * (s1.X - s2.X)) + ((s1.X * v2) - (s2.X * v1))) / det;
            var c = ((s0.X * ((s1.Y * v2) - (s2.Y * v1))) - (s0.Y * ((s1.X * v2) - (s2.X * v1))) + (v0 * ((s1.X * s2.Y) - (s2.X * s1.Y)))) / det;
            return (a, b, c);
        }

        var (a, b, c) = Solve(d0.X, d1.X, d2.X);
        var (d, e, f) = Solve(d0.Y, d1.Y, d2.Y);
        return new Affine2(a, b, c, d, e, f);
    }

    /// <summary><paramref name="first"/> applied, then this.</summary>
    public Affine2 After(Affine2 first) => new(
        (A * first.A) + (B * first.D), (A * first.B) + (B * first.E), (A * first.C) + (B * first.F) + C,
        (D * first.A) + (E * first.D), (D * first.B) + (E * first.E), (D * first.C) + (E * first.F) + F);

    public Affine2 Invert()
    {
        var det = (A * E) - (B * D);
        if (Math.Abs(det) < 1e-12)
        {
            throw new InvalidOperationException("the map is not invertible");
        }

        return new Affine2(E / det, -B / det, ((B * F) - (C * E)) / det, -D / det, A / det, ((C * D) - (A * F)) / det);
    }

    public Point2 Apply(Point2 p) => new((float)((A * p.X) + (B * p.Y) + C), (float)((D * p.X) + (E * p.Y) + F));
}
