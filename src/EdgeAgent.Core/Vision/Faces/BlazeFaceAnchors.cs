namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// The 896 SSD anchor centres of MediaPipe's short-range (front camera) face detector, in the 128x128 tensor's
/// normalised coordinates (0..1). This reproduces MediaPipe's <c>SsdAnchorsCalculator</c>
/// (mediapipe/calculators/tflite/ssd_anchors_calculator.cc) with the options of
/// mediapipe/modules/face_detection/face_detection_short_range.pbtxt and face_detection.pbtxt:
/// <c>num_layers: 4, strides: 8, 16, 16, 16, aspect_ratios: 1.0, interpolated_scale_aspect_ratio: 1.0,
/// anchor_offset_x/y: 0.5, fixed_anchor_size: true</c>. Consecutive layers with the same stride share one feature
/// map, so the stride-8 layer gives a 16x16 grid with 2 anchors per cell (512) and the three stride-16 layers an 8x8
/// grid with 3 x 2 = 6 anchors per cell (384). <c>fixed_anchor_size</c> makes every anchor 1.0 wide and high, so
/// only the centres matter. Anchors run row by row, cell by cell, anchor by anchor, the order the model's outputs use.
/// </summary>
internal static class BlazeFaceAnchors
{
    /// <summary>The model's input side in pixels (<c>tensor_width/height: 128</c>).</summary>
    public const int InputSize = 128;

    /// <summary>Anchors on the fine 16x16 grid (output <c>Identity:0</c>/<c>Identity_2:0</c>).</summary>
    public const int FineCount = 16 * 16 * 2;

    /// <summary>Anchors on the coarse 8x8 grid (output <c>Identity_1:0</c>/<c>Identity_3:0</c>).</summary>
    public const int CoarseCount = 8 * 8 * 6;

    /// <summary>All anchors (<c>num_boxes: 896</c>).</summary>
    public const int Count = FineCount + CoarseCount;

    // ssd_anchors_calculator options, face_detection_short_range.pbtxt.
    private static readonly int[] Strides = [8, 16, 16, 16];
    private const double AnchorOffset = 0.5;

    /// <summary>One anchor per aspect ratio (<c>aspect_ratios: 1.0</c>) plus one interpolated-scale anchor
    /// (<c>interpolated_scale_aspect_ratio: 1.0</c>) per layer.</summary>
    private const int AnchorsPerLayer = 2;

    private static readonly Point2[] Centres = Create();

    /// <summary>The anchor centres, shared and read-only.</summary>
    public static ReadOnlySpan<Point2> All => Centres;

    private static Point2[] Create()
    {
        var anchors = new List<Point2>(Count);
        var layer = 0;
        while (layer < Strides.Length)
        {
            // Layers with the same stride are merged onto one feature map (ssd_anchors_calculator.cc, last_same_stride_layer).
            var last = layer;
            var perCell = 0;
            while (last < Strides.Length && Strides[last] == Strides[layer])
            {
                perCell += AnchorsPerLayer;
                last++;
            }

            var side = (InputSize + Strides[layer] - 1) / Strides[layer];
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    var centre = new Point2((float)((x + AnchorOffset) / side), (float)((y + AnchorOffset) / side));
                    for (var a = 0; a < perCell; a++)
                    {
                        anchors.Add(centre);
                    }
                }
            }

            layer = last;
        }

        return [.. anchors];
    }
}
