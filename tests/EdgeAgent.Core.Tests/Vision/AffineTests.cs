using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Tests.Vision;

public sealed class AffineTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void FromTriangles_ThreePointPairs_SendsEachSourcePointToItsDestination()
    {
        Point2 s0 = new(10, 20), s1 = new(110, 25), s2 = new(15, 220);
        Point2 d0 = new(-3, 7), d1 = new(40, -60), d2 = new(90, 130);

        var map = Affine2.FromTriangles(s0, s1, s2, d0, d1, d2);

        AssertClose(d0, map.Apply(s0));
        AssertClose(d1, map.Apply(s1));
        AssertClose(d2, map.Apply(s2));
    }

    [Fact]
    public void FromTriangles_KnownScaleRotateTranslate_RecoversItsCoefficients()
    {
        var known = Affine2.Translate(5, -7).After(Affine2.Rotate(0.3)).After(Affine2.Scale(2, 3));
        Point2 s0 = new(0, 0), s1 = new(1, 0), s2 = new(0, 1);

        var map = Affine2.FromTriangles(s0, s1, s2, known.Apply(s0), known.Apply(s1), known.Apply(s2));

        Assert.Equal(known.A, map.A, 5);
        Assert.Equal(known.B, map.B, 5);
        Assert.Equal(known.C, map.C, 5);
        Assert.Equal(known.D, map.D, 5);
        Assert.Equal(known.E, map.E, 5);
        Assert.Equal(known.F, map.F, 5);
    }

    [Fact]
    public void FromTriangles_CollinearSource_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Affine2.FromTriangles(new(0, 0), new(1, 1), new(2, 2), new(0, 0), new(1, 0), new(0, 1)));
    }

    [Fact]
    public void Invert_ComposedWithOriginal_IsIdentityBothWays()
    {
        var map = new Affine2(1.5, -0.4, 12, 0.7, 2.2, -30);

        var inverse = map.Invert();

        AssertIdentity(inverse.After(map));
        AssertIdentity(map.After(inverse));
        var p = new Point2(123.25f, -45.5f);
        AssertClose(p, inverse.Apply(map.Apply(p)));
    }

    [Fact]
    public void Invert_ScaleAndTranslate_UndoesThemInReverseOrder()
    {
        var map = Affine2.Translate(10, 20).After(Affine2.Scale(4, 0.5));

        var inverse = map.Invert();

        // x' = 4x + 10, y' = 0.5y + 20  =>  x = (x' - 10) / 4, y = (y' - 20) / 0.5
        AssertClose(new Point2(0, 0), inverse.Apply(new Point2(10, 20)));
        AssertClose(new Point2(2.5f, -40), inverse.Apply(new Point2(20, 0)));
    }

    [Fact]
    public void Invert_SingularMap_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Affine2(1, 2, 0, 2, 4, 0).Invert());
    }

    [Fact]
    public void After_TranslateThenScale_AppliesTheArgumentFirst()
    {
        var translateThenScale = Affine2.Scale(2, 3).After(Affine2.Translate(1, 1));
        var scaleThenTranslate = Affine2.Translate(1, 1).After(Affine2.Scale(2, 3));
        var p = new Point2(5, 7);

        AssertClose(new Point2(12, 24), translateThenScale.Apply(p)); // (5+1)*2, (7+1)*3
        AssertClose(new Point2(11, 22), scaleThenTranslate.Apply(p)); // 5*2+1, 7*3+1
    }

    [Fact]
    public void After_ThreeGeneralMaps_IsAssociativeAndMatchesApplyingInTurn()
    {
        var a = new Affine2(1.1, 0.2, -3, -0.3, 0.9, 4);
        var b = Affine2.Rotate(1.2);
        var c = new Affine2(2, 0.5, 7, 0.25, -1, 1);
        var p = new Point2(3.5f, -8);

        var composed = c.After(b).After(a);

        AssertClose(c.Apply(b.Apply(a.Apply(p))), composed.Apply(p));
        AssertClose(c.After(b.After(a)).Apply(p), composed.Apply(p));
    }

    [Fact]
    public void Rotate_QuarterTurn_SendsXAxisToYAxis()
    {
        AssertClose(new Point2(0, 1), Affine2.Rotate(Math.PI / 2).Apply(new Point2(1, 0)));
    }

    private static void AssertIdentity(Affine2 m)
    {
        Assert.Equal(1, m.A, 9);
        Assert.Equal(0, m.B, 9);
        Assert.Equal(0, m.C, 9);
        Assert.Equal(0, m.D, 9);
        Assert.Equal(1, m.E, 9);
        Assert.Equal(0, m.F, 9);
    }

    private static void AssertClose(Point2 expected, Point2 actual)
    {
        Assert.True(Math.Abs(expected.X - actual.X) < Tolerance && Math.Abs(expected.Y - actual.Y) < Tolerance, $"expected {expected}, got {actual}");
    }
}
