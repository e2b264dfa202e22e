using EdgeAgent.Core.Media;
using EdgeAgent.Core.Vision;
using EdgeAgent.Media.Images;

namespace EdgeAgent.Media.Camera;

/// <summary>One captured V4L2 buffer (its bytesused, not the whole mapping) to an <see cref="RgbImage"/>.</summary>
internal static class V4l2FrameDecoder
{
    /// <exception cref="MediaFormatException">The frame is damaged: a JPEG that does not decode, a YUYV frame too short for its size.</exception>
    public static RgbImage Decode(CameraPixelFormat format, ReadOnlySpan<byte> frame, int width, int height, int bytesPerLine, string name) =>
        format switch
        {
            CameraPixelFormat.Mjpeg => ImageDecoder.Decode(frame, name),
            CameraPixelFormat.Yuyv => FromYuyv(frame, width, height, bytesPerLine, name),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "MJPEG or YUYV"),
        };

    /// <summary>
    /// YUYV 4:2:2 (V4L2 "Packed YUV formats": Y0 Cb Y1 Cr for each two pixels) to RGB with the BT.601 limited-range
    /// matrix, in the 8-bit fixed-point form of Microsoft's "Converting 8-bit YUV to RGB888" (C = Y - 16, D = U - 128,
    /// E = V - 128; R = (298C + 409E + 128) >> 8, G = (298C - 100D - 208E + 128) >> 8, B = (298C + 516D + 128) >> 8).
    /// Rows may be padded: <paramref name="bytesPerLine"/> is the stride the driver reported (at least width x 2).
    /// </summary>
    public static RgbImage FromYuyv(ReadOnlySpan<byte> frame, int width, int height, int bytesPerLine, string name)
    {
        if (width % 2 != 0)
        {
            throw new MediaFormatException(name, $"is a YUYV frame {width} pixels wide; YUYV pairs pixels, so the width must be even");
        }

        var stride = Math.Max(bytesPerLine, width * 2);
        var needed = ((long)stride * (height - 1)) + (width * 2);
        if (frame.Length < needed)
        {
            throw new MediaFormatException(name, $"is a YUYV frame of {frame.Length} bytes; {width}x{height} needs {needed}");
        }

        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var row = frame.Slice(y * stride, width * 2);
            var output = pixels.AsSpan(y * width * 3, width * 3);
            for (var x = 0; x < width; x += 2)
            {
                var quad = row.Slice(x * 2, 4);
                int d = quad[1] - 128, e = quad[3] - 128;
                Write(output.Slice(x * 3, 3), quad[0], d, e);
                Write(output.Slice((x + 1) * 3, 3), quad[2], d, e);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    private static void Write(Span<byte> rgb, int luma, int d, int e)
    {
        var c = 298 * (luma - 16);
        rgb[0] = Clamp((c + (409 * e) + 128) >> 8);
        rgb[1] = Clamp((c - (100 * d) - (208 * e) + 128) >> 8);
        rgb[2] = Clamp((c + (516 * d) + 128) >> 8);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
