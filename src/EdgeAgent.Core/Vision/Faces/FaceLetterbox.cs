namespace EdgeAgent.Core.Vision.Faces;

/// <summary>
/// The letterbox that fits a whole image into the model's square input keeping its aspect ratio, centred, the rest
/// padded black: MediaPipe's <c>ImageToTensorCalculator</c> with <c>keep_aspect_ratio: true</c> and
/// <c>border_mode: BORDER_ZERO</c> (mediapipe/modules/face_detection/face_detection.pbtxt).
/// </summary>
internal static class FaceLetterbox
{
    /// <summary>
    /// The map from the <paramref name="size"/> x <paramref name="size"/> tensor's pixel-area coordinates to the
    /// source's (what <see cref="ImageSampler.Sample(RgbImage, Affine2, int, int, Span{byte}, byte)"/> takes); its
    /// inverse places source points in the tensor.
    /// </summary>
    public static Affine2 TensorToSource(int sourceWidth, int sourceHeight, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var scale = Math.Min((double)size / sourceWidth, (double)size / sourceHeight);
        var padX = (size - (sourceWidth * scale)) / 2;
        var padY = (size - (sourceHeight * scale)) / 2;
        // source = (tensor - pad) / scale
        return Affine2.Scale(1 / scale, 1 / scale).After(Affine2.Translate(-padX, -padY));
    }
}
