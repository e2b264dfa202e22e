namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// A face found in an image: its box (<paramref name="X"/>, <paramref name="Y"/> is the top-left corner, all in the
/// source image's pixels, clamped to the image), the model's confidence (0..1) and six keypoints in
/// <see cref="FaceKeypoint"/> order, also in source pixels.
/// </summary>
public sealed record DetectedFace(float X, float Y, float Width, float Height, float Score, IReadOnlyList<Point2> Keypoints)
{
    /// <summary>The keypoint named <paramref name="which"/>.</summary>
    public Point2 Keypoint(FaceKeypoint which) => Keypoints[(int)which];
}

/// <summary>
/// The keypoints BlazeFace regresses, in the model's output order (MediaPipe face_detection.pbtxt,
/// <c>num_keypoints: 6</c>; names and order of <c>FaceKeyPoint</c> in mediapipe/python/solutions/face_detection.py).
/// "Right" is the person's right, which appears on the left of an unmirrored photograph.
/// </summary>
public enum FaceKeypoint
{
    RightEye = 0,
    LeftEye = 1,
    NoseTip = 2,
    MouthCenter = 3,
    RightEarTragion = 4,
    LeftEarTragion = 5,
}

/// <summary>Counts shared by the face pipeline's value types.</summary>
internal static class FaceKeypoints
{
    public const int Count = 6;
}
