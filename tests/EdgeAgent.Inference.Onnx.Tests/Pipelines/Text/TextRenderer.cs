using EdgeAgent.Core.Vision;
using SkiaSharp;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>
/// Renders black text on white with SkiaSharp in a real CJK font (WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei),
/// one line under the other, and measures where each line's ink landed.
/// </summary>
internal static class TextRenderer
{
    private static readonly Lazy<SKTypeface> Font = new(() =>
        SKTypeface.FromFile(TestKit.Data.DebianPackageFile.Get("fonts-wqy-zenhei", "usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0)
        ?? throw new InvalidOperationException("SkiaSharp cannot open wqy-zenhei.ttc"));

    /// <summary>
    /// Draws <paramref name="lines"/> at <paramref name="size"/> px, left-aligned with a margin of one text height
    /// (first line at <paramref name="left"/> when given), lines spaced 1.8 text heights apart; each entry may carry its
    /// own x offset so that two phrases can share a row.
    /// </summary>
    public static TextImage Render(float size, params (string Text, float X, float Y)[] lines)
    {
        using var font = new SKFont(Font.Value, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var measured = new List<(string, SKRect)>();
        float right = 0, bottom = 0;
        foreach (var (text, x, y) in lines)
        {
            font.MeasureText(text, out var ink, paint);
            var bounds = new SKRect(x + ink.Left, y + ink.Top, x + ink.Right, y + ink.Bottom);
            measured.Add((text, bounds));
            right = Math.Max(right, bounds.Right);
            bottom = Math.Max(bottom, bounds.Bottom);
        }

        var width = (int)MathF.Ceiling(right + size);
        var height = (int)MathF.Ceiling(bottom + size);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            foreach (var (text, x, y) in lines)
            {
                canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
            }
        }

        return new TextImage(ToRgb(bitmap), measured);
    }

    /// <summary>One line per phrase, stacked: baselines <c>1.8 × size</c> apart, a margin of one text height.</summary>
    public static TextImage Stacked(float size, params string[] phrases) =>
        Render(size, phrases.Select((p, i) => (p, size, (size * 1.8f) + (i * size * 1.8f))).ToArray());

    /// <summary>
    /// <paramref name="source"/> turned clockwise (on screen) by <paramref name="degrees"/> about its centre onto a white
    /// canvas big enough to hold all of it; also returns the map from source to turned pixels.
    /// </summary>
    public static (RgbImage Image, SKMatrix Map) Turned(RgbImage source, float degrees)
    {
        using var original = ToBitmap(source);
        var radians = degrees * MathF.PI / 180;
        var (cos, sin) = (MathF.Abs(MathF.Cos(radians)), MathF.Abs(MathF.Sin(radians)));
        var width = (int)MathF.Ceiling((source.Width * cos) + (source.Height * sin));
        var height = (int)MathF.Ceiling((source.Width * sin) + (source.Height * cos));
        var map = SKMatrix.CreateTranslation(-source.Width / 2f, -source.Height / 2f)
            .PostConcat(SKMatrix.CreateRotationDegrees(degrees))
            .PostConcat(SKMatrix.CreateTranslation(width / 2f, height / 2f));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.SetMatrix(map);
            using var image = SKImage.FromBitmap(original);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        }

        return (ToRgb(bitmap), map);
    }

    /// <summary>A plain white image.</summary>
    public static RgbImage White(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)255);
        return new RgbImage(width, height, pixels);
    }

    private static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = bitmap.GetPixelSpan().ToArray();
        for (int i = 0, o = 0; o < image.Pixels.Length; i += 4, o += 3)
        {
            rgba[i] = image.Pixels[o];
            rgba[i + 1] = image.Pixels[o + 1];
            rgba[i + 2] = image.Pixels[o + 2];
            rgba[i + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    private static RgbImage ToRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (int i = 0, o = 0; i < rgba.Length; i += 4, o += 3)
        {
            rgb[o] = rgba[i];
            rgb[o + 1] = rgba[i + 1];
            rgb[o + 2] = rgba[i + 2];
        }

        return new RgbImage(bitmap.Width, bitmap.Height, rgb);
    }
}
