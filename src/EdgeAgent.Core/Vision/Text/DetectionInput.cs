using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// The DB detector's input, as PaddleOCR's tools/infer/predict_det.py builds it: DetResizeForTest (type 0), then
/// NormalizeImage with the ImageNet mean and std, then ToCHWImage.
/// </summary>
internal static class DetectionInput
{
    /// <summary>The network downsamples by 32 (ppocr/data/imaug/operators.py DetResizeForTest.resize_image_type0).</summary>
    internal const int Stride = 32;

    /// <summary>NormalizeImage mean, in the order PaddleOCR applies it: to channels B, G, R (cv2.imread gives BGR).</summary>
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    /// <summary>NormalizeImage std, same order.</summary>
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// DetResizeForTest.resize_image_type0 with limit_type "max": shrink so the long side is at most
    /// <paramref name="limitSideLength"/> (never enlarge), truncate, then round each side to the nearest multiple of 32
    /// (Python's round, half to even) and at least 32, so tiny images are scaled up.
    /// </summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int limitSideLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var ratio = Math.Max(width, height) > limitSideLength ? (double)limitSideLength / Math.Max(width, height) : 1.0;
        var w = (int)(width * ratio);
        var h = (int)(height * ratio);
        return (Multiple(w), Multiple(h));

        static int Multiple(int side) => Math.Max((int)Math.Round(side / (double)Stride, MidpointRounding.ToEven) * Stride, Stride);
    }

    /// <summary>
    /// Resizes <paramref name="image"/> to <paramref name="width"/> x <paramref name="height"/> into
    /// <paramref name="scratch"/> (RGB bytes) and writes the normalised planes into <paramref name="tensor"/> ([3, H, W],
    /// channel 0 = blue as the model was trained on BGR images): (v / 255 - mean) / std.
    /// </summary>
    public static void Write(RgbImage image, int width, int height, Span<byte> scratch, Span<float> tensor)
    {
        var plane = width * height;
        if (tensor.Length < plane * 3)
        {
            throw new ArgumentException($"a [3,{height},{width}] tensor needs {plane * 3} values, got {tensor.Length}", nameof(tensor));
        }

        ImageSampler.Sample(image, Affine2.Scale(image.Width / (double)width, image.Height / (double)height), width, height, scratch);
        Span<float> scale = [1f / (255f * Std[0]), 1f / (255f * Std[1]), 1f / (255f * Std[2])];
        Span<float> offset = [Mean[0] / Std[0], Mean[1] / Std[1], Mean[2] / Std[2]];
        var blue = tensor[..plane];
        var green = tensor.Slice(plane, plane);
        var red = tensor.Slice(2 * plane, plane);
        for (var i = 0; i < plane; i++)
        {
            var o = i * 3;
            red[i] = (scratch[o] * scale[2]) - offset[2];
            green[i] = (scratch[o + 1] * scale[1]) - offset[1];
            blue[i] = (scratch[o + 2] * scale[0]) - offset[0];
        }
    }
}
