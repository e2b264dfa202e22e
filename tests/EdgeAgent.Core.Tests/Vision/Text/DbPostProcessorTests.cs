using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class DbPostProcessorTests
{
    private const int W = 100;
    private const int H = 60;

    private readonly DbPostProcessor _processor = new(new OcrOptions());

    [Fact]
    public void Process_ConfidentBlockOnAMapOfSourceSize_GivesTheBlockGrownByTheUnclipDistance()
    {
        // Pixels x 20..79, y 20..31: rectangle 59 x 11; unclip distance 59 * 11 * 1.5 / 140 = 6.95.
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 20, 20, 79, 31);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, W, H, boxes);

        var box = Assert.Single(boxes);
        Assert.Equal(new Quad(new(13, 13), new(86, 13), new(86, 38), new(13, 38)), box);
    }

    [Fact]
    public void Process_MapHalfTheSourceSize_ScalesTheBoxToSourcePixels()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 20, 20, 79, 31);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, 2 * W, 2 * H, boxes);

        // round(13.05 * 2) = 26, round(85.95 * 2) = 172, round(37.95 * 2) = 76.
        Assert.Equal(new Quad(new(26, 26), new(172, 26), new(172, 76), new(26, 76)), Assert.Single(boxes));
    }

    [Fact]
    public void Process_BlockAboveTheBinaryButBelowTheBoxThreshold_IsDropped()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 20, 20, 79, 31, value: 0.55f);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, W, H, boxes);

        Assert.Empty(boxes);
    }

    [Fact]
    public void Process_StrokeTwoPixelsHigh_IsDroppedAsSmallerThanMinSize()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 10, 10, 60, 11);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, W, H, boxes);

        Assert.Empty(boxes);
    }

    [Fact]
    public void Process_BlockAtTheCorner_IsClippedToTheImage()
    {
        var map = new float[W * H];
        ProbabilityMaps.Block(map, W, 0, 0, 59, 11);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, W, H, boxes);

        var box = Assert.Single(boxes);
        Assert.Equal(new Point2(0, 0), box.TopLeft);
        Assert.Equal(new Point2(66, 18), box.BottomRight);
    }

    [Fact]
    public void Process_RotatedBlock_GivesARotatedBox()
    {
        var map = new float[W * H];
        ProbabilityMaps.Rotated(map, W, H, new Point2(50, 30), length: 70, thickness: 12, degrees: 15);
        var boxes = new List<Quad>();

        _processor.Process(map, W, H, W, H, boxes);

        var box = Assert.Single(boxes);
        var angle = Math.Atan2(box.TopRight.Y - box.TopLeft.Y, box.TopRight.X - box.TopLeft.X) * 180 / Math.PI;
        Assert.InRange(angle, 12, 18);
    }

    [Fact]
    public void BoxScoreFast_BoxOverHalfConfidentHalfEmpty_IsTheMeanInside()
    {
        var map = new float[10 * 10];
        ProbabilityMaps.Block(map, 10, 0, 0, 4, 9, value: 1);

        var whole = DbPostProcessor.BoxScoreFast(map, 10, 10, new Quad(new(0, 0), new(9, 0), new(9, 9), new(0, 9)));
        var inside = DbPostProcessor.BoxScoreFast(map, 10, 10, new Quad(new(1, 2), new(3.6f, 2), new(3.6f, 4), new(1, 4)));

        Assert.Equal(0.5, whole, 6);
        Assert.Equal(1.0, inside, 6);
    }
}
