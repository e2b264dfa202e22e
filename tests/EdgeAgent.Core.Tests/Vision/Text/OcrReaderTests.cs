using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

/// <summary>The pipeline's wiring, with scripted sessions standing in for the models (the real ones are in EdgeAgent.Inference.Onnx.Tests).</summary>
public sealed class OcrReaderTests
{
    private static readonly string[] Dictionary = ["杭", "州", "8"];

    [Fact]
    public void Read_TwoDetectedRegions_RecognisesThemInReadingOrderAndDropsTheLowScoringLine()
    {
        // A 128 x 96 image keeps its size (multiples of 32), so map and source pixels coincide.
        var detector = Detector((w, h) =>
        {
            var map = new float[w * h];
            ProbabilityMaps.Block(map, w, 60, 20, 119, 31); // upper right
            ProbabilityMaps.Block(map, w, 10, 60, 69, 71); // lower left
            return map;
        });
        // First run (the upper box): "杭州" at 0.9; second run (the lower box): "8" at 0.4, under the drop score 0.5.
        var recognizer = Recognizer(run => run == 0 ? [1, 2] : [3], run => run == 0 ? 0.9f : 0.4f);
        var reader = new OcrReader(detector, recognizer, Dictionary);

        var lines = reader.Read(White(128, 96));

        var line = Assert.Single(lines);
        Assert.Equal("杭州", line.Text);
        Assert.Equal(0.9f, line.Score, 5);
        Assert.Equal([new Point2(53, 13), new Point2(126, 13), new Point2(126, 38), new Point2(53, 38)], line.Box);
        Assert.Equal([1L, 3, 96, 128], detector.InputShapes.Single());
        Assert.All(recognizer.InputShapes, s => Assert.Equal([1L, 3, 48, 320], s));
        Assert.Equal(2, recognizer.Runs);
    }

    [Fact]
    public void Read_ImageLargerThanTheLimit_ShrinksTheDetectorInputAndMapsBoxesBack()
    {
        var detector = Detector((w, h) =>
        {
            var map = new float[w * h];
            ProbabilityMaps.Block(map, w, 20, 20, 79, 31);
            return map;
        });
        var reader = new OcrReader(detector, Recognizer(_ => [3]), Dictionary, new OcrOptions { LimitSideLength = 320 });

        var line = Assert.Single(reader.Read(White(640, 320)));

        Assert.Equal([1L, 3, 160, 320], detector.InputShapes.Single());
        Assert.Equal([new Point2(26, 26), new Point2(172, 26), new Point2(172, 76), new Point2(26, 76)], line.Box);
        Assert.Equal("8", line.Text);
    }

    [Fact]
    public void Read_NothingDetected_NeverRunsTheRecognizer()
    {
        var recognizer = Recognizer(_ => [1]);
        var reader = new OcrReader(Detector((w, h) => new float[w * h]), recognizer, Dictionary);

        Assert.Empty(reader.Read(White(1, 1)));
        Assert.Equal(0, recognizer.Runs);
    }

    [Fact]
    public void Read_DetectorMapOfAnotherSize_ThrowsInferenceExceptionNamingTheShape()
    {
        var detector = new ScriptedSession("det", [-1, 1, -1, -1], (_, _) => (new float[16], [1, 1, 4, 4]));
        var reader = new OcrReader(detector, Recognizer(_ => [1]), Dictionary);

        var e = Assert.Throws<InferenceException>(() => reader.Read(White(64, 64)));
        Assert.Contains("[1,1,4,4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_DictionaryNotFittingTheRecognizersClasses_ThrowsNamingBothCounts()
    {
        var recognizer = new ScriptedSession("rec", [-1, -1, 6625], (_, _) => ([], []));

        var e = Assert.Throws<ArgumentException>(() => new OcrReader(Detector((w, h) => new float[w * h]), recognizer, Dictionary));
        Assert.Contains("6625", e.Message, StringComparison.Ordinal);
        Assert.Contains("5", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(OcrOptions.BoxThreshold))]
    [InlineData(nameof(OcrOptions.LimitSideLength))]
    [InlineData(nameof(OcrOptions.MaxCandidates))]
    public void Ctor_OptionOutOfRange_ThrowsNamingIt(string setting)
    {
        var options = setting switch
        {
            nameof(OcrOptions.BoxThreshold) => new OcrOptions { BoxThreshold = 1.5f },
            nameof(OcrOptions.LimitSideLength) => new OcrOptions { LimitSideLength = 16 },
            _ => new OcrOptions { MaxCandidates = 0 },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OcrReader(Detector((w, h) => new float[w * h]), Recognizer(_ => [1]), Dictionary, options));
        Assert.Equal(setting, e.ParamName);
    }

    private static ScriptedSession Detector(Func<int, int, float[]> map) =>
        new("det", [-1, 1, -1, -1], (shape, _) => (map((int)shape[3], (int)shape[2]), [1, 1, shape[2], shape[3]]));

    /// <summary>A recogniser emitting, per run, the given classes each followed by a blank step, at probability 0.9.</summary>
    private static ScriptedSession Recognizer(Func<int, int[]> classes) => Recognizer(classes, _ => 0.9f);

    private static ScriptedSession Recognizer(Func<int, int[]> classes, Func<int, float> probability) =>
        new("rec", [-1, -1, 5], (shape, run) =>
        {
            var steps = (int)(shape[3] / 8);
            var values = new float[steps * 5];
            var emitted = classes(run);
            for (var t = 0; t < steps; t++)
            {
                var c = t % 2 == 0 && t / 2 < emitted.Length ? emitted[t / 2] : 0;
                values[(t * 5) + c] = c == 0 ? 1 : probability(run);
            }

            return (values, [1, steps, 5]);
        });

    private static RgbImage White(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)255);
        return new RgbImage(width, height, pixels);
    }
}
