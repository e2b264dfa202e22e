namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// MediaPipe's <c>NonMaxSuppressionCalculator</c> in <c>WEIGHTED</c> mode with <c>INTERSECTION_OVER_UNION</c> overlap
/// (mediapipe/calculators/util/non_max_suppression_calculator.cc, <c>WeightedNonMaxSuppression</c>; BlazeFace's
/// "blending" tie resolution, BlazeFace paper section 2.3): take the best remaining detection, gather every remaining
/// detection whose IoU with it exceeds the threshold (the best one included), and emit one detection whose corners and
/// keypoints are the score-weighted mean of that group and whose score is the best one's. Repeat on what is left.
/// Works in place on the caller's buffers and allocates nothing.
/// </summary>
internal static class WeightedNonMaxSuppression
{
    /// <summary>
    /// Blends <paramref name="candidates"/> (reordered and consumed: their scores are overwritten) into
    /// <paramref name="output"/>, best first; returns how many were written. <paramref name="output"/> needs room for
    /// <c>candidates.Length</c> entries in the worst case (no overlaps).
    /// </summary>
    public static int Run(Span<FaceCandidate> candidates, float minSuppressionIoU, Span<FaceCandidate> output)
    {
        // MediaPipe sorts by score, highest first (std::sort on indexed scores).
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var written = 0;
        Span<float> keypoints = stackalloc float[FaceKeypoints.Count * 2];
        for (var i = 0; i < candidates.Length; i++)
        {
            if (candidates[i].Score < 0)
            {
                continue; // already blended into an earlier detection
            }

            ref readonly var best = ref candidates[i];
            var blended = best;
            float xMin = 0, yMin = 0, xMax = 0, yMax = 0, total = 0;
            keypoints.Clear();
            for (var j = i; j < candidates.Length; j++)
            {
                ref var other = ref candidates[j];
                if (other.Score < 0)
                {
                    continue;
                }

                // MediaPipe takes "similarity > min_suppression_threshold". The best detection always joins its own
                // group here: MediaPipe would leave a zero-area best box (IoU with itself 0) unblended and then stop
                // processing every remaining detection, which is not worth reproducing.
                if (j != i && best.IntersectionOverUnion(other) <= minSuppressionIoU)
                {
                    continue;
                }

                var w = other.Score;
                xMin += other.XMin * w;
                yMin += other.YMin * w;
                xMax += other.XMax * w;
                yMax += other.YMax * w;
                for (var k = 0; k < keypoints.Length; k++)
                {
                    keypoints[k] += other.Keypoints[k] * w;
                }

                total += w;
                if (j != i)
                {
                    other.Score = -1;
                }
            }

            if (total <= 0)
            {
                output[written++] = blended; // all weights zero (a zero threshold and underflowed scores): keep the best as is
                continue;
            }

            blended.XMin = xMin / total;
            blended.YMin = yMin / total;
            blended.XMax = xMax / total;
            blended.YMax = yMax / total;
            for (var k = 0; k < keypoints.Length; k++)
            {
                blended.Keypoints[k] = keypoints[k] / total;
            }

            output[written++] = blended;
        }

        return written;
    }
}
