using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Faces;

namespace EdgeAgent.Core.Tests.Vision.Faces;

public sealed class BlazeFaceDecoderTests
{
    [Fact]
    public void Decode_OffsetsInTensorPixels_AreRelativeToTheAnchorCentre()
    {
        Point2[] anchors = [new(0.25f, 0.75f)];
        float[] regressors = [12.8f, -6.4f, 32f, 64f, 0f, 0f, 1.28f, 2.56f, 0, 0, 0, 0, 0, 0, -12.8f, 12.8f];
        var into = new FaceCandidate[1];

        var count = BlazeFaceDecoder.Decode([3f], regressors, anchors, 0.5f, into);

        Assert.Equal(1, count);
        var c = into[0];
        // centre (0.25 + 0.1, 0.75 - 0.05), size (0.25, 0.5)
        Assert.Equal(0.35f - 0.125f, c.XMin, 5);
        Assert.Equal(0.70f - 0.25f, c.YMin, 5);
        Assert.Equal(0.35f + 0.125f, c.XMax, 5);
        Assert.Equal(0.70f + 0.25f, c.YMax, 5);
        Assert.Equal(0.25f, c.Keypoints[0], 5);
        Assert.Equal(0.75f, c.Keypoints[1], 5);
        Assert.Equal(0.26f, c.Keypoints[2], 5);
        Assert.Equal(0.77f, c.Keypoints[3], 5);
        Assert.Equal(0.15f, c.Keypoints[10], 5);
        Assert.Equal(0.85f, c.Keypoints[11], 5);
        Assert.Equal(1 / (1 + MathF.Exp(-3)), c.Score, 6);
    }

    [Fact]
    public void Decode_ScoresBelowThreshold_AreDropped()
    {
        Point2[] anchors = [new(0.5f, 0.5f), new(0.5f, 0.5f), new(0.5f, 0.5f)];
        var regressors = new float[48];
        regressors[2] = regressors[3] = regressors[18] = regressors[19] = regressors[34] = regressors[35] = 10;
        var into = new FaceCandidate[3];

        // sigmoid(1.0986) = 0.75 exactly at the threshold is kept (MediaPipe drops only score < threshold).
        var count = BlazeFaceDecoder.Decode([0.5f, MathF.Log(3f), 2f], regressors, anchors, 0.75f, into);

        Assert.Equal(2, count);
        Assert.Equal(0.75f, into[0].Score, 5);
        Assert.Equal(1 / (1 + MathF.Exp(-2)), into[1].Score, 6);
    }

    [Fact]
    public void Decode_DegenerateBox_IsDropped()
    {
        var into = new FaceCandidate[1];

        Assert.Equal(0, BlazeFaceDecoder.Decode([5f], new float[16], [new(0.5f, 0.5f)], 0.5f, into));
    }

    [Theory]
    [InlineData(1000f, 1f)]
    [InlineData(-1000f, 3.7e-44f)]
    [InlineData(0f, 0.5f)]
    public void Sigmoid_RawScore_IsClippedToPlusMinus100First(float raw, float expected)
    {
        Assert.Equal(expected, BlazeFaceDecoder.Sigmoid(raw), 6);
        Assert.True(BlazeFaceDecoder.Sigmoid(raw) is >= 0 and <= 1 and not float.NaN);
    }

    [Fact]
    public void Decode_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => BlazeFaceDecoder.Decode([1f, 2f], new float[16], [new(0, 0)], 0.5f, new FaceCandidate[2]));
    }
}
