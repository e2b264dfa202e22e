namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// Turns BlazeFace's raw outputs into scored candidates, as MediaPipe's <c>TensorsToDetectionsCalculator</c>
/// (mediapipe/calculators/tensor/tensors_to_detections_calculator.cc, <c>DecodeBoxes</c> and
/// <c>ConvertToDetections</c>) does with the options of mediapipe/modules/face_detection/face_detection.pbtxt:
/// <c>num_coords: 16, box_coord_offset: 0, keypoint_coord_offset: 4, num_keypoints: 6, num_values_per_keypoint: 2,
/// reverse_output_order: true</c> (x before y), <c>x/y/w/h_scale: 128</c>, <c>sigmoid_score: true,
/// score_clipping_thresh: 100</c>. Offsets are in tensor pixels relative to the anchor centre; with
/// <c>fixed_anchor_size</c> the anchor is 1.0 wide, so dividing by 128 gives normalised tensor coordinates.
/// </summary>
internal static class BlazeFaceDecoder
{
    /// <summary>Values per anchor in the regressor output (<c>num_coords: 16</c>): box x, y, w, h, then 6 (x, y) keypoints.</summary>
    public const int CoordsPerAnchor = 16;

    private const int KeypointOffset = 4;

    /// <summary><c>x_scale</c> = <c>y_scale</c> = <c>w_scale</c> = <c>h_scale</c> = 128 (face_detection_short_range.pbtxt).</summary>
    private const float Scale = BlazeFaceAnchors.InputSize;

    /// <summary>Raw scores are clipped to +/- this before the sigmoid (<c>score_clipping_thresh: 100.0</c>).</summary>
    private const float ScoreClip = 100f;

    /// <summary>
    /// Appends to <paramref name="into"/> (from index 0) every anchor whose score reaches <paramref name="minScore"/>
    /// and whose box has a positive size; returns how many were written.
    /// </summary>
    public static int Decode(ReadOnlySpan<float> rawScores, ReadOnlySpan<float> regressors, ReadOnlySpan<Point2> anchors, float minScore, Span<FaceCandidate> into)
    {
        if (rawScores.Length != anchors.Length || regressors.Length != anchors.Length * CoordsPerAnchor)
        {
            throw new ArgumentException($"BlazeFace outputs hold {rawScores.Length} scores and {regressors.Length} regressor values; {anchors.Length} anchors need {anchors.Length} and {anchors.Length * CoordsPerAnchor}");
        }

        var count = 0;
        for (var i = 0; i < anchors.Length; i++)
        {
            var score = Sigmoid(rawScores[i]);
            if (score < minScore)
            {
                continue; // MediaPipe: "if (min_score_thresh && score < min_score_thresh) continue"
            }

            var r = regressors.Slice(i * CoordsPerAnchor, CoordsPerAnchor);
            var anchor = anchors[i];
            var cx = (r[0] / Scale) + anchor.X;
            var cy = (r[1] / Scale) + anchor.Y;
            var w = r[2] / Scale;
            var h = r[3] / Scale;
            if (!(w > 0 && h > 0))
            {
                continue; // a degenerate (or NaN) box cannot be blended or mapped
            }

            ref var c = ref into[count++];
            c.XMin = cx - (w / 2);
            c.YMin = cy - (h / 2);
            c.XMax = cx + (w / 2);
            c.YMax = cy + (h / 2);
            c.Score = score;
            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                c.Keypoints[2 * k] = (r[KeypointOffset + (2 * k)] / Scale) + anchor.X;
                c.Keypoints[(2 * k) + 1] = (r[KeypointOffset + (2 * k) + 1] / Scale) + anchor.Y;
            }
        }

        return count;
    }

    /// <summary>The logistic function of the clipped raw score, computed in double so exp(100) does not overflow.</summary>
    public static float Sigmoid(float raw) => (float)(1.0 / (1.0 + Math.Exp(-Math.Clamp(raw, -ScoreClip, ScoreClip))));
}
