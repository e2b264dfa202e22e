using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Turns the DB detector's probability map into text boxes in source pixels, following PaddleOCR's
/// ppocr/postprocess/db_postprocess.py DBPostProcess.boxes_from_bitmap (box_type "quad", score_mode "fast") and
/// tools/infer/predict_det.py TextDetector.filter_tag_det_res. Buffers are reused between calls.
/// </summary>
internal sealed class DbPostProcessor(OcrOptions options)
{
    /// <summary>Regions whose rectangle's short side is below this are noise (DBPostProcess.min_size = 3).</summary>
    internal const int MinSize = 3;

    private readonly ConnectedRegions _regions = new();
    private Point2[] _hull = [];

    /// <summary>
    /// Appends to <paramref name="boxes"/> the boxes found in <paramref name="map"/> (<paramref name="mapWidth"/> x
    /// <paramref name="mapHeight"/>), mapped to a <paramref name="sourceWidth"/> x <paramref name="sourceHeight"/> image.
    /// </summary>
    public void Process(ReadOnlySpan<float> map, int mapWidth, int mapHeight, int sourceWidth, int sourceHeight, List<Quad> boxes)
    {
        var found = _regions.Find(map, mapWidth, mapHeight, options.BinaryThreshold, options.MaxCandidates);
        if (found == 0)
        {
            return;
        }

        var need = _regions.LargestOutline() + 1;
        if (_hull.Length < need)
        {
            _hull = new Point2[Math.Max(need, _hull.Length * 2)];
        }

        for (var r = 0; r < found; r++)
        {
            var rectangle = MinAreaRectangle.Around(_regions.Outline(r), _hull);
            if (rectangle.ShortSide < MinSize)
            {
                continue;
            }

            if (BoxScoreFast(map, mapWidth, mapHeight, rectangle) < options.BoxThreshold)
            {
                continue;
            }

            var grown = rectangle.Grow(rectangle.UnclipDistance(options.UnclipRatio));
            // boxes_from_bitmap: "if sside < self.min_size + 2: continue" after the unclip.
            if (grown.ShortSide < MinSize + 2)
            {
                continue;
            }

            var box = ToSource(grown, mapWidth, mapHeight, sourceWidth, sourceHeight);
            // filter_tag_det_res: int(norm(...)) of the top and left edges must exceed 3 pixels.
            if ((int)box.Width <= MinSize || (int)box.Height <= MinSize)
            {
                continue;
            }

            boxes.Add(box);
        }
    }

    /// <summary>
    /// Mean probability inside the box (DBPostProcess.box_score_fast): the box's bounding rectangle clipped to the map,
    /// the box filled as a polygon with its corners truncated to integers (cv2.fillPoly on astype(np.int32)).
    /// </summary>
    internal static double BoxScoreFast(ReadOnlySpan<float> map, int width, int height, Quad box)
    {
        Span<Point2> corners = [box.TopLeft, box.TopRight, box.BottomRight, box.BottomLeft];
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        foreach (var c in corners)
        {
            minX = Math.Min(minX, c.X);
            maxX = Math.Max(maxX, c.X);
            minY = Math.Min(minY, c.Y);
            maxY = Math.Max(maxY, c.Y);
        }

        var xMin = Math.Clamp((int)MathF.Floor(minX), 0, width - 1);
        var xMax = Math.Clamp((int)MathF.Ceiling(maxX), 0, width - 1);
        var yMin = Math.Clamp((int)MathF.Floor(minY), 0, height - 1);
        var yMax = Math.Clamp((int)MathF.Ceiling(maxY), 0, height - 1);
        for (var i = 0; i < corners.Length; i++)
        {
            corners[i] = new Point2((int)(corners[i].X - xMin), (int)(corners[i].Y - yMin));
        }

        double sum = 0;
        var count = 0;
        for (var y = 0; y <= yMax - yMin; y++)
        {
            if (!SpanAt(corners, y, out var from, out var to))
            {
                continue;
            }

            from = Math.Max(from, 0);
            to = Math.Min(to, xMax - xMin);
            var row = map.Slice(((y + yMin) * width) + xMin, xMax - xMin + 1);
            for (var x = from; x <= to; x++)
            {
                sum += row[x];
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>The pixel columns a convex polygon covers on row <paramref name="y"/>, edges included (as cv2.fillPoly draws them).</summary>
    private static bool SpanAt(ReadOnlySpan<Point2> polygon, int y, out int from, out int to)
    {
        double lo = double.MaxValue, hi = double.MinValue;
        for (var i = 0; i < polygon.Length; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Length];
            if (y < Math.Min(a.Y, b.Y) || y > Math.Max(a.Y, b.Y))
            {
                continue;
            }

            if (a.Y == b.Y)
            {
                lo = Math.Min(lo, Math.Min(a.X, b.X));
                hi = Math.Max(hi, Math.Max(a.X, b.X));
                continue;
            }

            var x = a.X + ((y - a.Y) * (double)(b.X - a.X) / (b.Y - a.Y));
            lo = Math.Min(lo, x);
            hi = Math.Max(hi, x);
        }

        from = (int)Math.Round(lo);
        to = (int)Math.Round(hi);
        return lo <= hi;
    }

    /// <summary>
    /// Map coordinates to source pixels: boxes_from_bitmap's <c>np.clip(np.round(x / width * dest_width), 0, dest_width)</c>,
    /// then filter_tag_det_res's order_points_clockwise and clip to the last pixel (clip_det_res).
    /// </summary>
    private static Quad ToSource(Quad box, int mapWidth, int mapHeight, int sourceWidth, int sourceHeight)
    {
        Point2 Map(Point2 p)
        {
            var x = Math.Clamp(Math.Round(p.X / (double)mapWidth * sourceWidth), 0, sourceWidth);
            var y = Math.Clamp(Math.Round(p.Y / (double)mapHeight * sourceHeight), 0, sourceHeight);
            return new Point2((float)Math.Min(x, sourceWidth - 1), (float)Math.Min(y, sourceHeight - 1));
        }

        return Quad.FromCorners(Map(box.TopLeft), Map(box.TopRight), Map(box.BottomRight), Map(box.BottomLeft));
    }
}
