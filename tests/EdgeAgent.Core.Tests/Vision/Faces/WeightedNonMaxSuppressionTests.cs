using EdgeAgent.Core.Vision.Faces;

namespace EdgeAgent.Core.Tests.Vision.Faces;

public sealed class WeightedNonMaxSuppressionTests
{
    [Fact]
    public void Run_TwoOverlappingBoxes_BlendsCornersAndKeypointsByScore()
    {
        // IoU of [0.10,0.30]^2 and [0.12,0.32]^2 is 0.0324/0.0476 = 0.68 > 0.3.
        FaceCandidate[] candidates = [Box(0.12f, 0.12f, 0.32f, 0.32f, score: 0.8f, keypoint: 0.5f), Box(0.10f, 0.10f, 0.30f, 0.30f, score: 0.9f, keypoint: 0.2f)];
        var output = new FaceCandidate[2];

        var kept = WeightedNonMaxSuppression.Run(candidates, 0.3f, output);

        Assert.Equal(1, kept);
        var b = output[0];
        // (0.10 * 0.9 + 0.12 * 0.8) / 1.7 = 0.10941...
        Assert.Equal((0.10f * 0.9f + 0.12f * 0.8f) / 1.7f, b.XMin, 5);
        Assert.Equal((0.10f * 0.9f + 0.12f * 0.8f) / 1.7f, b.YMin, 5);
        Assert.Equal((0.30f * 0.9f + 0.32f * 0.8f) / 1.7f, b.XMax, 5);
        Assert.Equal((0.30f * 0.9f + 0.32f * 0.8f) / 1.7f, b.YMax, 5);
        Assert.Equal(0.9f, b.Score); // the best score, not a blend
        for (var k = 0; k < 12; k++)
        {
            Assert.Equal((0.2f * 0.9f + 0.5f * 0.8f) / 1.7f, b.Keypoints[k], 5);
        }
    }

    [Fact]
    public void Run_TwoSeparateBoxes_KeepsBothApartBestFirst()
    {
        FaceCandidate[] candidates = [Box(0.1f, 0.1f, 0.3f, 0.3f, score: 0.8f, keypoint: 0.2f), Box(0.6f, 0.6f, 0.9f, 0.9f, score: 0.95f, keypoint: 0.7f)];
        var output = new FaceCandidate[2];

        var kept = WeightedNonMaxSuppression.Run(candidates, 0.3f, output);

        Assert.Equal(2, kept);
        // Each is "blended" with itself only, so it stays where it was (up to float rounding).
        AssertBox(output[0], 0.6f, 0.6f, 0.9f, 0.9f);
        AssertBox(output[1], 0.1f, 0.1f, 0.3f, 0.3f);
        Assert.Equal((0.95f, 0.8f), (output[0].Score, output[1].Score));
        Assert.Equal(0.7f, output[0].Keypoints[0], 6);
        Assert.Equal(0.2f, output[1].Keypoints[0], 6);
    }

    [Fact]
    public void Run_OverlapAtOrBelowThreshold_IsNotBlended()
    {
        // Two unit-height boxes sharing half their width: IoU = 0.5 / 1.5 = 1/3.
        FaceCandidate[] candidates = [Box(0f, 0f, 0.2f, 0.2f, 0.9f, 0f), Box(0.1f, 0f, 0.3f, 0.2f, 0.8f, 0f)];
        var output = new FaceCandidate[2];

        Assert.Equal(2, WeightedNonMaxSuppression.Run(candidates.ToArray(), 0.34f, output));
        Assert.Equal(1, WeightedNonMaxSuppression.Run(candidates.ToArray(), 0.33f, output));
    }

    [Fact]
    public void Run_ClusterAndLoner_BlendsTheClusterOnlyAgainstItsBest()
    {
        // A, B overlap the best (A); C overlaps B a lot but A only a little, so C stays separate (MediaPipe compares
        // with the group's best box, not transitively).
        var a = Box(0.10f, 0.10f, 0.30f, 0.30f, 0.95f, 0.1f);
        var b = Box(0.14f, 0.10f, 0.34f, 0.30f, 0.90f, 0.3f);
        var c = Box(0.22f, 0.10f, 0.42f, 0.30f, 0.85f, 0.9f);
        Assert.True(a.IntersectionOverUnion(b) > 0.3f && b.IntersectionOverUnion(c) > 0.3f && a.IntersectionOverUnion(c) <= 0.3f);
        var output = new FaceCandidate[3];

        var kept = WeightedNonMaxSuppression.Run(new[] { c, b, a }, 0.3f, output);

        Assert.Equal(2, kept);
        Assert.Equal(0.95f, output[0].Score);
        Assert.Equal((0.10f * 0.95f + 0.14f * 0.90f) / 1.85f, output[0].XMin, 5);
        Assert.Equal(0.85f, output[1].Score);
        Assert.Equal(0.22f, output[1].XMin);
    }

    [Fact]
    public void Run_NoCandidates_WritesNothing()
    {
        Assert.Equal(0, WeightedNonMaxSuppression.Run([], 0.3f, new FaceCandidate[1]));
    }

    [Fact]
    public void IntersectionOverUnion_IdenticalDisjointAndHalf_AreOneZeroAndAThird()
    {
        var a = Box(0, 0, 1, 1, 1, 0);

        Assert.Equal(1f, a.IntersectionOverUnion(a), 6);
        Assert.Equal(0f, a.IntersectionOverUnion(Box(2, 2, 3, 3, 1, 0)));
        Assert.Equal(1f / 3, a.IntersectionOverUnion(Box(0.5f, 0, 1.5f, 1, 1, 0)), 6);
    }

    private static void AssertBox(FaceCandidate c, float xMin, float yMin, float xMax, float yMax)
    {
        Assert.Equal(xMin, c.XMin, 6);
        Assert.Equal(yMin, c.YMin, 6);
        Assert.Equal(xMax, c.XMax, 6);
        Assert.Equal(yMax, c.YMax, 6);
    }

    private static FaceCandidate Box(float xMin, float yMin, float xMax, float yMax, float score, float keypoint)
    {
        var c = new FaceCandidate { XMin = xMin, YMin = yMin, XMax = xMax, YMax = yMax, Score = score };
        for (var k = 0; k < 12; k++)
        {
            c.Keypoints[k] = keypoint;
        }

        return c;
    }
}
