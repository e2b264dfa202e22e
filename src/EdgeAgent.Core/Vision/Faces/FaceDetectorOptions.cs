using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Vision.Faces;

/// <summary>Tuning of <see cref="FaceDetector"/>; the defaults are the reference implementations' values.</summary>
public sealed class FaceDetectorOptions
{
    /// <summary>
    /// Detections scoring below this are dropped before suppression. 0.75 is the default threshold of keijiro's
    /// BlazeFaceBarracuda (<c>FaceDetector.ProcessImage(Texture, float threshold = 0.75f)</c>), the package this ONNX
    /// export comes from. MediaPipe's face_detection_short_range.pbtxt uses <c>min_score_thresh: 0.5</c>, but with this
    /// export a cat's face (scikit-image's chelsea.png) scores 0.62 while a clear frontal face scores above 0.9.
    /// </summary>
    [Range(0.0, 1.0)]
    public float MinScore { get; set; } = 0.75f;

    /// <summary>
    /// Detections overlapping a better one by more than this intersection-over-union are blended into it
    /// (MediaPipe face_detection.pbtxt, NonMaxSuppressionCalculator <c>min_suppression_threshold: 0.3</c>;
    /// keijiro's Postprocess2.compute <c>IOU_THRESHOLD 0.3</c>).
    /// </summary>
    [Range(0.0, 1.0)]
    public float MinSuppressionIoU { get; set; } = 0.3f;

    internal void Validate()
    {
        if (!(MinScore is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinScore), MinScore, $"{nameof(FaceDetectorOptions)}.{nameof(MinScore)} must be between 0 and 1");
        }

        if (!(MinSuppressionIoU is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinSuppressionIoU), MinSuppressionIoU, $"{nameof(FaceDetectorOptions)}.{nameof(MinSuppressionIoU)} must be between 0 and 1");
        }
    }
}
