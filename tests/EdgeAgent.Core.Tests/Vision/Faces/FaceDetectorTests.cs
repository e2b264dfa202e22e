using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Faces;
using EdgeAgent.TestKit.Memory;

namespace EdgeAgent.Core.Tests.Vision.Faces;

public sealed class FaceDetectorTests
{
    [Fact]
    public void Detect_WhiteAndBlackLandscape_WritesMinusOneAndOneWithBlackBars()
    {
        var session = new FakeBlazeFaceSession();
        var detector = new FaceDetector(session);
        // 256x128, left half black, right half white: letterboxed to 128x64 between rows 32 and 96.
        var pixels = new byte[256 * 128 * 3];
        for (var y = 0; y < 128; y++)
        {
            pixels.AsSpan(((y * 256) + 128) * 3, 128 * 3).Fill(255);
        }

        detector.Detect(new RgbImage(256, 128, pixels));

        Assert.Equal(1, session.Runs);
        var input = session.LastInput.ToArray();
        float At(int x, int y, int c) => input[(((y * 128) + x) * 3) + c];
        Assert.Equal(-1f, At(100, 10, 0)); // top bar: black padding
        Assert.Equal(-1f, At(10, 64, 1)); // black half
        Assert.Equal(1f, At(100, 64, 2)); // white half
        Assert.Equal(-1f, At(100, 100, 0)); // bottom bar
    }

    [Fact]
    public void Detect_NoAnchorAboveThreshold_ReturnsEmpty()
    {
        var detector = new FaceDetector(new FakeBlazeFaceSession());

        Assert.Empty(detector.Detect(RgbImage.Blank(64, 48)));
    }

    [Fact]
    public void Detect_PlantedFineAnchor_MapsBoxAndKeypointsBackToSourcePixels()
    {
        var session = new FakeBlazeFaceSession();
        // Anchor 2 * (16 * 5 + 8) = 176: cell (x 8, y 5), centre (8.5, 5.5) * 8 = (68, 44) tensor pixels.
        // Box centre +4, +2 => (72, 46), size 32 x 16. Keypoint 0 at the anchor centre, keypoint 5 at +8, -8.
        session.Plant(176, rawScore: 4f, dx: 4, dy: 2, w: 32, h: 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, -8);
        var detector = new FaceDetector(session);

        // 400x200 source: scale 128/400 = 0.32, content 128x64 at rows 32..96.
        var faces = detector.Detect(RgbImage.Blank(400, 200));

        var face = Assert.Single(faces);
        // tensor box (56, 38)-(88, 54) => source ((56 - 0) / 0.32, (38 - 32) / 0.32) = (175, 18.75), size 100 x 50.
        Assert.Equal(175f, face.X, 3);
        Assert.Equal(18.75f, face.Y, 3);
        Assert.Equal(100f, face.Width, 3);
        Assert.Equal(50f, face.Height, 3);
        Assert.Equal(1 / (1 + MathF.Exp(-4)), face.Score, 5);
        Assert.Equal(6, face.Keypoints.Count);
        Assert.Equal(new Point2(68 / 0.32f, 12 / 0.32f), face.Keypoint(FaceKeypoint.RightEye));
        Assert.Equal(76 / 0.32f, face.Keypoint(FaceKeypoint.LeftEarTragion).X, 3);
        Assert.Equal(4 / 0.32f, face.Keypoint(FaceKeypoint.LeftEarTragion).Y, 3);
    }

    [Fact]
    public void Detect_PlantedCoarseAnchor_UsesTheEightByEightGrid()
    {
        var session = new FakeBlazeFaceSession();
        // Last anchor 895: coarse cell (7, 7), centre (120, 120) tensor pixels.
        session.Plant(895, rawScore: 5f, dx: 0, dy: 0, w: 8, h: 8);

        var face = Assert.Single(new FaceDetector(session).Detect(RgbImage.Blank(128, 128)));

        Assert.Equal((116f, 116f, 8f, 8f), (face.X, face.Y, face.Width, face.Height));
    }

    [Fact]
    public void Detect_BoxReachingPastTheImage_IsClampedToIt()
    {
        var session = new FakeBlazeFaceSession();
        session.Plant(0, rawScore: 5f, dx: -4, dy: -4, w: 20, h: 20, -10, -10);

        var face = Assert.Single(new FaceDetector(session).Detect(RgbImage.Blank(128, 128)));

        Assert.Equal((0f, 0f), (face.X, face.Y));
        Assert.Equal(10f, face.Width, 4); // (4 - 4) - 10 clamped to 0, right edge 10
        Assert.Equal(new Point2(0, 0), face.Keypoint(FaceKeypoint.RightEye));
    }

    [Fact]
    public void Detect_BoxWhollyInThePadding_IsDropped()
    {
        var session = new FakeBlazeFaceSession();
        // Anchor 0 sits at tensor (4, 4): in the top bar of a wide image whose content spans rows 48..80.
        session.Plant(0, rawScore: 5f, dx: 0, dy: 0, w: 8, h: 8);

        Assert.Empty(new FaceDetector(session).Detect(RgbImage.Blank(400, 100)));
    }

    [Fact]
    public void Detect_ThresholdOption_DecidesWhatIsKept()
    {
        var session = new FakeBlazeFaceSession();
        session.Plant(100, rawScore: 0f, dx: 0, dy: 0, w: 10, h: 10); // score 0.5

        Assert.Empty(new FaceDetector(session).Detect(RgbImage.Blank(128, 128)));
        Assert.Single(new FaceDetector(session, new FaceDetectorOptions { MinScore = 0.5f }).Detect(RgbImage.Blank(128, 128)));
    }

    [Fact]
    public void Detect_SameSizeAgain_AllocatesOnlyTheResult()
    {
        var session = new FakeBlazeFaceSession();
        var detector = new FaceDetector(session);
        var image = RgbImage.Blank(640, 480);
        detector.Detect(image);

        var rounds = Allocations.Measure(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                detector.Detect(image);
            }
        });

        Assert.True(rounds.Least == 0, rounds.ToString());
    }

    [Fact]
    public void Detect_SameSizeAgainWithTwoFaces_AllocatesOnlyTheFacesItReturns()
    {
        var session = new FakeBlazeFaceSession();
        session.Plant(100, rawScore: 3f, dx: 0, dy: 0, w: 10, h: 10);
        session.Plant(101, rawScore: 2.5f, dx: 1, dy: 1, w: 10, h: 10); // blended into the first
        session.Plant(700, rawScore: 4f, dx: 0, dy: 0, w: 20, h: 20);
        var detector = new FaceDetector(session);
        var image = RgbImage.Blank(640, 480);
        Assert.Equal(2, detector.Detect(image).Count);

        IReadOnlyList<DetectedFace> faces = [];
        var rounds = Allocations.Measure(() => faces = detector.Detect(image));

        Assert.Equal(2, faces.Count);
        Assert.True(rounds.Least == ResultBytes(faces.Count), $"{ResultBytes(faces.Count)} bytes expected; {rounds}");
    }

    [Fact]
    public void Constructor_ModelWithOtherOutputs_ThrowsNamingTheModel()
    {
        var entry = FakeBlazeFaceSession.BlazeFaceEntry([FakeBlazeFaceSession.Spec("regressors", 1, 896, 16), FakeBlazeFaceSession.Spec("classificators", 1, 896, 1)]);

        var e = Assert.Throws<ArgumentException>(() => new FaceDetector(new FakeBlazeFaceSession(entry)));

        Assert.Contains("blazeface", e.Message, StringComparison.Ordinal);
        Assert.Contains("regressors", e.Message, StringComparison.Ordinal);
    }

    /// <summary>What a result of <paramref name="faces"/> faces costs on 64-bit .NET: a List and its array, and per face the record and its Point2[6].</summary>
    private static long ResultBytes(int faces) =>
        32 + (24 + (8L * faces)) + (faces * (48 + (24 + (6 * 8))));

    [Theory]
    [InlineData(-0.1f, 0.3f)]
    [InlineData(1.1f, 0.3f)]
    [InlineData(0.5f, float.NaN)]
    public void Constructor_OptionOutOfRange_Throws(float minScore, float iou)
    {
        var options = new FaceDetectorOptions { MinScore = minScore, MinSuppressionIoU = iou };

        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceDetector(new FakeBlazeFaceSession(), options));
    }
}
