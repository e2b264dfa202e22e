namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Reading order of text boxes, PaddleOCR's tools/infer/predict_system.py sorted_boxes: by the top-left corner's
/// (y, x), then neighbours whose tops are less than 10 pixels apart are put left to right. This uses the later form of
/// that function whose inner loop reaches the first box (<c>range(i, -1, -1)</c>).
/// </summary>
internal static class ReadingOrder
{
    /// <summary>Boxes whose top-left corners are closer than this vertically are on one line (sorted_boxes' 10).</summary>
    public const float SameLineTolerance = 10;

    /// <summary>Sorts <paramref name="boxes"/> in place; allocates nothing.</summary>
    public static void Sort(List<Quad> boxes)
    {
        // Stable insertion sort by (y, x) of the top-left corner, as Python's sorted() with that key.
        for (var i = 1; i < boxes.Count; i++)
        {
            var v = boxes[i];
            var j = i - 1;
            while (j >= 0 && Before(v, boxes[j]))
            {
                boxes[j + 1] = boxes[j];
                j--;
            }

            boxes[j + 1] = v;
        }

        for (var i = 0; i < boxes.Count - 1; i++)
        {
            for (var j = i; j >= 0; j--)
            {
                var (upper, lower) = (boxes[j].TopLeft, boxes[j + 1].TopLeft);
                if (Math.Abs(lower.Y - upper.Y) < SameLineTolerance && lower.X < upper.X)
                {
                    (boxes[j], boxes[j + 1]) = (boxes[j + 1], boxes[j]);
                }
                else
                {
                    break;
                }
            }
        }
    }

    private static bool Before(Quad a, Quad b) =>
        a.TopLeft.Y < b.TopLeft.Y || (a.TopLeft.Y == b.TopLeft.Y && a.TopLeft.X < b.TopLeft.X);
}
