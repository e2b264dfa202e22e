using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// The recogniser's input for one text box: the box rectified upright (tools/infer/utility.py get_rotate_crop_image),
/// resized to height 48 keeping its aspect and padded on the right (tools/infer/predict_rec.py
/// TextRecognizer.resize_norm_img with rec_image_shape "3, 48, 320"), normalised to (v / 255 - 0.5) / 0.5. The crop and
/// the resize are one resampling here (PaddleOCR does two: warpPerspective, then cv2.resize).
/// </summary>
internal static class RecognitionInput
{
    /// <summary>rec_image_shape "3, 48, 320": the input height.</summary>
    public const int Height = 48;

    /// <summary>rec_image_shape "3, 48, 320": the narrowest input; wider lines widen it (max_wh_ratio).</summary>
    public const int MinWidth = 320;

    /// <summary>get_rotate_crop_image turns a crop whose height / width is at least this by 90 degrees (np.rot90).</summary>
    public const double RotateAspect = 1.5;

    /// <summary>
    /// The upright crop's size for <paramref name="box"/> (get_rotate_crop_image: int of the longer of each pair of
    /// opposite edges) and whether it is turned.
    /// </summary>
    public static (int Width, int Height, bool Rotated) CropSize(Quad box)
    {
        var w = (int)Math.Max(Quad.Distance(box.TopLeft, box.TopRight), Quad.Distance(box.BottomRight, box.BottomLeft));
        var h = (int)Math.Max(Quad.Distance(box.TopLeft, box.BottomLeft), Quad.Distance(box.TopRight, box.BottomRight));
        return w > 0 && h / (double)w >= RotateAspect ? (h, w, true) : (w, h, false);
    }

    /// <summary>
    /// resize_norm_img for a batch of one: the tensor width is 48 × max(320 / 48, w / h) truncated, the text is
    /// ceil(48 × w / h) wide (at most the tensor width).
    /// </summary>
    public static (int TensorWidth, int TextWidth) Widths(int cropWidth, int cropHeight)
    {
        var ratio = cropWidth / (double)cropHeight;
        var tensorWidth = (int)(Height * Math.Max(MinWidth / (double)Height, ratio));
        var textWidth = (int)Math.Ceiling(Height * ratio);
        return (tensorWidth, Math.Clamp(textWidth, 1, tensorWidth));
    }

    /// <summary>
    /// The map from the <paramref name="textWidth"/> x 48 recognition image (pixel-area coordinates) to the source:
    /// scale to the crop, undo np.rot90 when turned, then the crop's affine map fixed by the box's top-left, top-right
    /// and bottom-left corners (pixel-index coordinates, as cv2.warpPerspective uses).
    /// </summary>
    public static Affine2 CropToSource(Quad box, int cropWidth, int cropHeight, bool rotated, int textWidth)
    {
        var map = Affine2.Scale(cropWidth / (double)textWidth, cropHeight / (double)Height);
        // Size of the crop before turning: np.rot90 swaps the sides.
        var (uprightWidth, uprightHeight) = rotated ? (cropHeight, cropWidth) : (cropWidth, cropHeight);
        if (rotated)
        {
            // np.rot90 (counter-clockwise): turned (x, y) shows the upright crop at (W - y, x), W its width.
            map = new Affine2(0, -1, uprightWidth, 1, 0, 0).After(map);
        }

        var crop = Affine2.FromTriangles(
            new Point2(0, 0), new Point2(uprightWidth, 0), new Point2(0, uprightHeight),
            box.TopLeft, box.TopRight, box.BottomLeft);
        return Affine2.Translate(0.5, 0.5).After(crop).After(Affine2.Translate(-0.5, -0.5)).After(map);
    }

    /// <summary>
    /// Writes the normalised [3, 48, <paramref name="tensorWidth"/>] planes (channel 0 = blue, as the model was trained
    /// on BGR images) from the <paramref name="textWidth"/> x 48 RGB <paramref name="pixels"/>; columns right of the text
    /// are 0 (resize_norm_img's zero padding).
    /// </summary>
    public static void Normalise(ReadOnlySpan<byte> pixels, int textWidth, int tensorWidth, Span<float> tensor)
    {
        var plane = Height * tensorWidth;
        tensor[..(plane * 3)].Clear();
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < textWidth; x++)
            {
                var o = ((y * textWidth) + x) * 3;
                var t = (y * tensorWidth) + x;
                tensor[t] = (pixels[o + 2] / 127.5f) - 1f;
                tensor[plane + t] = (pixels[o + 1] / 127.5f) - 1f;
                tensor[(2 * plane) + t] = (pixels[o] / 127.5f) - 1f;
            }
        }
    }
}
