using System.Diagnostics;
using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;
using SkiaSharp;
using Xunit.Abstractions;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>
/// <see cref="OcrReader"/> with the real PP-OCRv4 detector and recogniser on text rendered by the test in a real CJK
/// font: the exact characters must come back, in reading order, with boxes over the ink.
/// </summary>
public sealed class OcrReaderRealModelTests(OcrModelsFixture models, ITestOutputHelper output) : IClassFixture<OcrModelsFixture>
{
    /// <summary>A box must overlap the rendered line's measured ink bounds at least this much (intersection over union).</summary>
    private const double MinIoU = 0.5;

    public static TheoryData<string, float> PhrasesAndSizes()
    {
        var data = new TheoryData<string, float>();
        foreach (var phrase in new[] { "杭州市人工智能2025", "首台套认定123", "电池电量87%", "温度23.5℃" })
        {
            foreach (var size in new[] { 24f, 32f, 48f })
            {
                data.Add(phrase, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PhrasesAndSizes))]
    public void Read_OnePhrase_ReturnsExactlyThatTextWithABoxOverItsInk(string phrase, float size)
    {
        var rendered = TextRenderer.Stacked(size, phrase);

        var lines = Read(rendered.Image, $"'{phrase}' at {size} px");

        var line = Assert.Single(lines);
        Assert.Equal(phrase, line.Text);
        Assert.InRange(line.Score, 0.9f, 1f);
        AssertCovers(rendered.Lines[0].Bounds, line);
    }

    [Theory]
    [InlineData(24f)]
    [InlineData(32f)]
    [InlineData(48f)]
    public void Read_FourLinesStacked_ReturnsEachExactlyTopToBottom(float size)
    {
        var rendered = TextRenderer.Stacked(size, "杭州市人工智能2025", "首台套认定123", "电池电量87%", "温度23.5℃");

        var lines = Read(rendered.Image, $"four lines at {size} px");

        Assert.Equal(rendered.Lines.Select(l => l.Text), lines.Select(l => l.Text));
        for (var i = 0; i < lines.Count; i++)
        {
            AssertCovers(rendered.Lines[i].Bounds, lines[i]);
        }
    }

    [Fact]
    public void Read_TwoPhrasesOnOneRowTheRightOneHigher_ReadsLeftToRightThenTheLineBelow()
    {
        // The right phrase sits 6 px higher: sorting by top alone would read it first; sorted_boxes puts it second.
        const float size = 32;
        var rendered = TextRenderer.Render(
            size,
            ("首台套认定123", size, 2 * size),
            ("电池电量87%", size * 10, (2 * size) - 6),
            ("杭州市人工智能2025", size, 4 * size));

        var lines = Read(rendered.Image, "two phrases on a row, one below");

        Assert.Equal(["首台套认定123", "电池电量87%", "杭州市人工智能2025"], lines.Select(l => l.Text));
        for (var i = 0; i < lines.Count; i++)
        {
            AssertCovers(rendered.Lines[i].Bounds, lines[i]);
        }
    }

    [Fact]
    public void Read_ImageWiderThanTheDetectorLimit_MapsBoxesBackToSourcePixels()
    {
        // 1500 px wide: the detector sees it at 960 px; the box must land on the ink in the original's pixels.
        var rendered = TextRenderer.Render(40, ("电池电量87%", 1100, 300), ("首台套认定123", 40, 80));

        var lines = Read(rendered.Image, $"{rendered.Image.Width}x{rendered.Image.Height} image");

        Assert.True(rendered.Image.Width > 960, $"the image is only {rendered.Image.Width} px wide");
        Assert.Equal(["首台套认定123", "电池电量87%"], lines.Select(l => l.Text));
        AssertCovers(rendered.Lines[1].Bounds, lines[0]);
        AssertCovers(rendered.Lines[0].Bounds, lines[1]);
    }

    [Theory]
    [InlineData(10f)]
    [InlineData(-10f)]
    [InlineData(90f)] // vertical, read top to bottom: get_rotate_crop_image's 90-degree turn brings it upright
    public void Read_LineTurned_ReturnsTheExactTextWithABoxAroundIt(float degrees)
    {
        const float size = 32;
        var rendered = TextRenderer.Stacked(size, "杭州市人工智能2025");
        var (image, map) = TextRenderer.Turned(rendered.Image, degrees);

        var lines = Read(image, $"line turned {degrees} degrees");

        var line = Assert.Single(lines);
        Assert.Equal("杭州市人工智能2025", line.Text);
        var ink = rendered.Lines[0].Bounds;
        var centre = map.MapPoint(ink.MidX, ink.MidY);
        var boxCentre = new SKPoint(line.Box.Average(p => p.X), line.Box.Average(p => p.Y));
        Assert.True(SKPoint.Distance(centre, boxCentre) < size / 4, $"box centre {boxCentre} is far from the ink's centre {centre}");
        var longSide = Math.Max(Distance(line.Box[0], line.Box[1]), Distance(line.Box[0], line.Box[3]));
        Assert.InRange(longSide, ink.Width * 0.9, ink.Width * 1.3);
    }

    [Fact]
    public void Read_BlankWhiteImage_ReturnsNoLines()
    {
        Assert.Empty(Read(TextRenderer.White(640, 480), "blank 640x480"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    public void Read_OnePixelImage_ReturnsNoLines(byte value)
    {
        Assert.Empty(Read(new RgbImage(1, 1, [value, value, value]), $"1x1 of {value}"));
    }

    [Fact]
    public void Read_SameImageAgain_AllocatesLittleMoreThanTheLinesItReturns()
    {
        var reader = new OcrReader(models.Detector, models.Recognizer, models.Dictionary);
        var image = TextRenderer.Stacked(32, "杭州市人工智能2025").Image;
        reader.Read(image);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = reader.Read(image);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"second Read of the same image allocated {allocated} bytes");
        Assert.Equal("杭州市人工智能2025", Assert.Single(lines).Text);
        // The result (a list, one TextLine, its 4-point box, a 12-character string) is about 200 bytes; a per-call
        // buffer for the 1.3 MB map or the 61 KB recogniser input would blow far past this bound.
        Assert.InRange(allocated, 1, 1024);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Read_SameImageFiveTimes_ReturnsIdenticalLinesEachTime(int lineCount)
    {
        string[] phrases = ["杭州市人工智能2025", "首台套认定123", "电池电量87%", "温度23.5℃"];
        var image = TextRenderer.Stacked(32, phrases[..lineCount]).Image;
        var reader = new OcrReader(models.Detector, models.Recognizer, models.Dictionary);
        var first = reader.Read(image);
        var det = new List<double>();
        var rec = new List<double>();
        var total = new List<double>();
        var cpu = new List<double>();

        for (var i = 0; i < 5; i++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            models.Detector.Reset();
            models.Recognizer.Reset();
            var started = Stopwatch.GetTimestamp();
            var again = reader.Read(image);
            total.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
            det.Add(models.Detector.Elapsed.TotalMilliseconds);
            rec.Add(models.Recognizer.Elapsed.TotalMilliseconds);

            Assert.Equal(first.Select(l => (l.Text, l.Score)), again.Select(l => (l.Text, l.Score)));
            Assert.Equal(first.SelectMany(l => l.Box), again.SelectMany(l => l.Box));
        }

        Assert.Equal(phrases[..lineCount], first.Select(l => l.Text));
        output.WriteLine(
            $"{lineCount} line(s) at 32 px, {image.Width}x{image.Height}, median of 5 after a warm-up: total {Median(total):F1} ms, " +
            $"det model {Median(det):F1} ms, rec model {Median(rec):F1} ms, pre/post-processing {Median(total) - Median(det) - Median(rec):F1} ms; " +
            $"process CPU time {Median(cpu):F1} ms (wall-clock figures inflate when other processes share the cores)");
    }

    [Fact]
    public void Dictionary_RealAsset_GivesTheRecognizersClassCount()
    {
        var reader = new OcrReader(models.Detector, models.Recognizer, models.Dictionary);
        reader.Read(TextRenderer.Stacked(32, "首台套认定123").Image);

        Assert.Equal(6623, models.Dictionary.Count);
        Assert.Equal(models.Dictionary.Count + 2, models.Recognizer.OutputShape(0)[2]);
        Assert.Contains("杭", models.Dictionary);
        Assert.DoesNotContain(models.Dictionary, e => e.Length == 0);
    }

    [Fact]
    public void Ctor_DictionaryOneEntryShort_ThrowsBeforeReadingAnything()
    {
        var shortened = models.Dictionary.Take(models.Dictionary.Count - 1).ToList();

        var e = Assert.Throws<ArgumentException>(() => new OcrReader(models.Detector, models.Recognizer, shortened));
        Assert.Contains("6625", e.Message, StringComparison.Ordinal);
    }

    private List<TextLine> Read(RgbImage image, string label)
    {
        var reader = new OcrReader(models.Detector, models.Recognizer, models.Dictionary);
        models.Detector.Reset();
        models.Recognizer.Reset();
        var started = Stopwatch.GetTimestamp();
        var lines = reader.Read(image).ToList();
        var total = Stopwatch.GetElapsedTime(started);
        output.WriteLine(
            $"{label}: {image.Width}x{image.Height}, {total.TotalMilliseconds:F0} ms " +
            $"(det {models.Detector.Elapsed.TotalMilliseconds:F0} ms, rec {models.Recognizer.Elapsed.TotalMilliseconds:F0} ms over {models.Recognizer.Runs} line(s))");
        foreach (var line in lines)
        {
            output.WriteLine($"  '{line.Text}' score {line.Score:F3} box {string.Join(' ', line.Box.Select(p => $"({p.X},{p.Y})"))}");
        }

        return lines;
    }

    private void AssertCovers(SKRect ink, TextLine line)
    {
        var iou = BoxOverlap.IoU(line.Box, ink);
        output.WriteLine($"  IoU of '{line.Text}' with its ink {ink}: {iou:F2}");
        Assert.True(iou >= MinIoU, $"box of '{line.Text}' overlaps its ink {ink} by IoU {iou:F2}");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Distance(Point2 a, Point2 b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
