using EdgeAgent.Core.Media;
using EdgeAgent.Core.Vision;
using SkiaSharp;

namespace EdgeAgent.Media.Images;

/// <summary>Decodes image files (PNG, JPEG, WebP, BMP, GIF) with SkiaSharp into <see cref="RgbImage"/>, applying EXIF orientation.</summary>
public static class ImageDecoder
{
    /// <summary>Images larger than this many pixels are refused rather than risking the device's memory.</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    public static RgbImage Decode(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaFormatException(path, $"cannot be read: {e.Message}", e);
        }

        return Decode(bytes, path);
    }

    public static RgbImage Decode(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length == 0)
        {
            throw new MediaFormatException(name, "is empty; expected a PNG or JPEG image");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new MediaFormatException(name, "is not an image that can be decoded; expected PNG, JPEG, WebP, BMP or GIF");

        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels)
        {
            throw new MediaFormatException(name, $"is {info.Width}x{info.Height} pixels; images up to {MaxPixels} pixels are accepted");
        }

        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (decoded is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new MediaFormatException(name, $"could not be decoded ({decoded})");
        }

        if (decoded == SKCodecResult.IncompleteInput)
        {
            throw new MediaFormatException(name, "is truncated: the image data ends before the last row");
        }

        if (codec.EncodedOrigin == SKEncodedOrigin.TopLeft)
        {
            return ToRgb(bitmap); // upright already: no copy of the pixels (a megabyte a frame for a 512x512 photo)
        }

        using var oriented = Orient(bitmap, codec.EncodedOrigin);
        return ToRgb(oriented);
    }

    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var target = new SKBitmap(new SKImageInfo(swap ? source.Height : source.Width, swap ? source.Width : source.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(target);
        canvas.SetMatrix(OriginMatrix(origin, source.Width, source.Height));
        canvas.DrawBitmap(source, 0, 0);
        return target;
    }

    private static SKMatrix OriginMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static RgbImage ToRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[checked(bitmap.Width * bitmap.Height * 3)];
        for (int s = 0, d = 0; d < rgb.Length; s += 4, d += 3)
        {
            // Transparent areas are composited over white, as a viewer shows them.
            var a = rgba[s + 3];
            rgb[d] = (byte)(((rgba[s] * a) + (255 * (255 - a)) + 127) / 255);
            rgb[d + 1] = (byte)(((rgba[s + 1] * a) + (255 * (255 - a)) + 127) / 255);
            rgb[d + 2] = (byte)(((rgba[s + 2] * a) + (255 * (255 - a)) + 127) / 255);
        }

        return new RgbImage(bitmap.Width, bitmap.Height, rgb);
    }
}
