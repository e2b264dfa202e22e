using System.Runtime.InteropServices;
using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Finds the 8-connected regions of a thresholded probability map (the pixels PaddleOCR's DBPostProcess marks with
/// <c>pred &gt; thresh</c> and hands to cv2.findContours, whose foreground is 8-connected) and, per region, the outline
/// points that fix its convex hull: the left-most and right-most pixel of every row, in pixel-index coordinates as
/// OpenCV's contours are. Holes are not reported (findContours' RETR_LIST would also list their inner contours).
/// Buffers are kept between calls; a map of the same size as the last one allocates nothing.
/// </summary>
internal sealed class ConnectedRegions
{
    private readonly List<Point2> _points = [];
    private readonly List<int> _starts = [];
    private byte[] _visited = [];
    private int[] _stack = [];
    private int[] _rowMin = [];
    private int[] _rowMax = [];

    /// <summary>Regions found by the last <see cref="Find"/>.</summary>
    public int Count => _starts.Count;

    /// <summary>
    /// Labels the regions of <paramref name="map"/> (<paramref name="width"/> x <paramref name="height"/>, row-major) whose
    /// values exceed <paramref name="threshold"/>, in raster order of their first pixel, stopping after
    /// <paramref name="maxRegions"/>. Returns how many were found.
    /// </summary>
    public int Find(ReadOnlySpan<float> map, int width, int height, float threshold, int maxRegions)
    {
        var size = checked(width * height);
        if (map.Length < size)
        {
            throw new ArgumentException($"a {width}x{height} map needs {size} values, got {map.Length}", nameof(map));
        }

        Grow(ref _visited, size);
        Grow(ref _stack, size);
        Grow(ref _rowMin, height);
        Grow(ref _rowMax, height);
        var visited = _visited.AsSpan(0, size);
        visited.Clear();
        _rowMin.AsSpan(0, height).Fill(int.MaxValue);
        _rowMax.AsSpan(0, height).Fill(-1);
        _points.Clear();
        _starts.Clear();

        for (var seed = 0; seed < size && _starts.Count < maxRegions; seed++)
        {
            if (visited[seed] != 0 || !(map[seed] > threshold))
            {
                continue;
            }

            Flood(map, width, height, threshold, seed);
        }

        return _starts.Count;
    }

    /// <summary>The outline points of region <paramref name="index"/>, sorted by (y, x).</summary>
    public ReadOnlySpan<Point2> Outline(int index)
    {
        var start = _starts[index];
        var end = index + 1 < _starts.Count ? _starts[index + 1] : _points.Count;
        return CollectionsMarshal.AsSpan(_points)[start..end];
    }

    /// <summary>The most outline points any region of the last <see cref="Find"/> has.</summary>
    public int LargestOutline()
    {
        var largest = 0;
        for (var i = 0; i < _starts.Count; i++)
        {
            largest = Math.Max(largest, Outline(i).Length);
        }

        return largest;
    }

    private void Flood(ReadOnlySpan<float> map, int width, int height, float threshold, int seed)
    {
        var visited = _visited;
        var stack = _stack;
        var top = 0;
        stack[top++] = seed;
        visited[seed] = 1;
        int yMin = seed / width, yMax = yMin;
        while (top > 0)
        {
            var i = stack[--top];
            int y = i / width, x = i - (y * width);
            if (x < _rowMin[y])
            {
                _rowMin[y] = x;
            }

            if (x > _rowMax[y])
            {
                _rowMax[y] = x;
            }

            yMin = Math.Min(yMin, y);
            yMax = Math.Max(yMax, y);
            for (var dy = -1; dy <= 1; dy++)
            {
                var ny = y + dy;
                if ((uint)ny >= (uint)height)
                {
                    continue;
                }

                for (var dx = -1; dx <= 1; dx++)
                {
                    var nx = x + dx;
                    if ((uint)nx >= (uint)width)
                    {
                        continue;
                    }

                    var n = (ny * width) + nx;
                    if (visited[n] == 0 && map[n] > threshold)
                    {
                        visited[n] = 1;
                        stack[top++] = n;
                    }
                }
            }
        }

        _starts.Add(_points.Count);
        for (var y = yMin; y <= yMax; y++)
        {
            if (_rowMax[y] < 0)
            {
                continue;
            }

            _points.Add(new Point2(_rowMin[y], y));
            if (_rowMax[y] != _rowMin[y])
            {
                _points.Add(new Point2(_rowMax[y], y));
            }

            _rowMin[y] = int.MaxValue;
            _rowMax[y] = -1;
        }
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
    }
}
