using System.Runtime.CompilerServices;

namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// One decoded detection before it is mapped back to the source image: a box (corners) and six keypoints, all in the
/// model tensor's normalised coordinates (0..1 across the 128x128 letterbox), and its sigmoid score. A value type
/// with the keypoints inline, so a fixed array of them is reused from call to call.
/// </summary>
internal struct FaceCandidate
{
    public float XMin;
    public float YMin;
    public float XMax;
    public float YMax;
    public float Score;

    /// <summary>x0, y0, x1, y1, ... in <see cref="FaceKeypoint"/> order.</summary>
    public FaceKeypointCoordinates Keypoints;

    public readonly float Area => Math.Max(0, XMax - XMin) * Math.Max(0, YMax - YMin);

    /// <summary>
    /// Intersection over union, as MediaPipe's <c>OverlapSimilarity</c> with <c>INTERSECTION_OVER_UNION</c>
    /// (non_max_suppression_calculator.cc): 0 when the boxes do not overlap or the union is empty.
    /// </summary>
    public readonly float IntersectionOverUnion(in FaceCandidate other)
    {
        var w = Math.Min(XMax, other.XMax) - Math.Max(XMin, other.XMin);
        var h = Math.Min(YMax, other.YMax) - Math.Max(YMin, other.YMin);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var intersection = w * h;
        var union = Area + other.Area - intersection;
        return union > 0 ? intersection / union : 0;
    }
}

/// <summary>The twelve keypoint coordinates of a <see cref="FaceCandidate"/>, stored inline.</summary>
[InlineArray(FaceKeypoints.Count * 2)]
internal struct FaceKeypointCoordinates
{
    private float _element0;
}
