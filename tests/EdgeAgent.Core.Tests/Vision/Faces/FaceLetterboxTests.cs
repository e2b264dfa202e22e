using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Faces;

namespace EdgeAgent.Core.Tests.Vision.Faces;

public sealed class FaceLetterboxTests
{
    private const int Size = 128;

    [Theory]
    [InlineData(300, 600, 32, 0, 64, 128)]     // portrait: 64 wide, centred, bars left and right
    [InlineData(640, 480, 0, 16, 128, 96)]     // landscape 4:3: 96 high, bars top and bottom
    [InlineData(1, 1, 0, 0, 128, 128)]         // a single pixel fills the square
    [InlineData(4000, 3000, 0, 16, 128, 96)]   // a 12 MP photograph
    [InlineData(512, 512, 0, 0, 128, 128)]     // square
    public void TensorToSource_Inverse_PlacesTheImageCentredKeepingAspect(int width, int height, float left, float top, float contentWidth, float contentHeight)
    {
        var toTensor = FaceLetterbox.TensorToSource(width, height, Size).Invert();

        AssertClose(new Point2(left, top), toTensor.Apply(new Point2(0, 0)), 1e-3f);
        AssertClose(new Point2(left + contentWidth, top + contentHeight), toTensor.Apply(new Point2(width, height)), 1e-3f);
    }

    [Theory]
    [InlineData(300, 600, 123.4f, 456.7f)]
    [InlineData(640, 480, 17.25f, 470.5f)]
    [InlineData(1, 1, 0.3f, 0.9f)]
    [InlineData(4000, 3000, 3217.5f, 1234.25f)]
    public void TensorToSource_SourcePoint_RoundTripsThroughTheTensor(int width, int height, float x, float y)
    {
        var toSource = FaceLetterbox.TensorToSource(width, height, Size);
        var p = new Point2(x, y);

        var inTensor = toSource.Invert().Apply(p);
        var back = toSource.Apply(inTensor);

        Assert.InRange(inTensor.X, 0, Size);
        Assert.InRange(inTensor.Y, 0, Size);
        AssertClose(p, back, Math.Max(width, height) * 1e-6f);
    }

    [Fact]
    public void TensorToSource_TensorCentre_IsTheImageCentre()
    {
        AssertClose(new Point2(2000, 1500), FaceLetterbox.TensorToSource(4000, 3000, Size).Apply(new Point2(64, 64)), 1e-3f);
        AssertClose(new Point2(150, 300), FaceLetterbox.TensorToSource(300, 600, Size).Apply(new Point2(64, 64)), 1e-3f);
    }

    [Fact]
    public void TensorToSource_SampledPortrait_HasBlackBarsAndContentWhereExpected()
    {
        var white = new RgbImage(300, 600, Enumerable.Repeat((byte)255, 300 * 600 * 3).ToArray());

        var boxed = ImageSampler.Sample(white, FaceLetterbox.TensorToSource(300, 600, Size), Size, Size);

        Assert.Equal(0, boxed.Pixels[((64 * Size) + 31) * 3]);
        Assert.Equal(255, boxed.Pixels[((64 * Size) + 32) * 3]);
        Assert.Equal(255, boxed.Pixels[((64 * Size) + 95) * 3]);
        Assert.Equal(0, boxed.Pixels[((64 * Size) + 96) * 3]);
    }

    [Fact]
    public void TensorToSource_EmptySize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FaceLetterbox.TensorToSource(0, 10, Size));
    }

    private static void AssertClose(Point2 expected, Point2 actual, float tolerance) =>
        Assert.True(Math.Abs(expected.X - actual.X) <= tolerance && Math.Abs(expected.Y - actual.Y) <= tolerance, $"expected {expected}, got {actual}");
}
