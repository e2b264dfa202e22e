using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class ReadingOrderTests
{
    [Fact]
    public void Sort_ThreeRowsGivenBottomFirst_TopToBottom()
    {
        var boxes = new List<Quad> { At(10, 200), At(10, 20), At(10, 110) };

        ReadingOrder.Sort(boxes);

        Assert.Equal([20f, 110f, 200f], boxes.Select(b => b.TopLeft.Y));
    }

    [Fact]
    public void Sort_RightBoxFivePixelsHigherOnTheSameRow_LeftBoxFirst()
    {
        // By (y, x) alone the right box would come first; sorted_boxes swaps tops less than 10 px apart.
        var left = At(10, 105);
        var right = At(300, 100);
        var below = At(10, 200);
        var boxes = new List<Quad> { below, right, left };

        ReadingOrder.Sort(boxes);

        Assert.Equal([left, right, below], boxes);
    }

    [Fact]
    public void Sort_TopsTenPixelsApart_StayTopToBottom()
    {
        var upperRight = At(300, 100);
        var lowerLeft = At(10, 110);
        var boxes = new List<Quad> { lowerLeft, upperRight };

        ReadingOrder.Sort(boxes);

        Assert.Equal([upperRight, lowerLeft], boxes);
    }

    [Fact]
    public void Sort_ThreeBoxesOnOneSlightlyRisingRow_LeftToRight()
    {
        // Each box 4 px higher than its left neighbour: one row, read left to right (the swap runs back to the first box).
        var a = At(10, 108);
        var b = At(200, 104);
        var c = At(400, 100);
        var boxes = new List<Quad> { c, b, a };

        ReadingOrder.Sort(boxes);

        Assert.Equal([a, b, c], boxes);
    }

    [Fact]
    public void Sort_Empty_StaysEmpty()
    {
        var boxes = new List<Quad>();

        ReadingOrder.Sort(boxes);

        Assert.Empty(boxes);
    }

    private static Quad At(float x, float y) => new(new Point2(x, y), new Point2(x + 100, y), new Point2(x + 100, y + 30), new Point2(x, y + 30));
}
