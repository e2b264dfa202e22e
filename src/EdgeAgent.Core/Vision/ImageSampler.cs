namespace EdgeAgent.Core.Vision;

/// <summary>
/// Resampling for model inputs: letterboxing, resizing, cropping and rectifying a rotated box are all one operation,
/// sampling the source through an affine map. Bilinear between pixel centres; where the map lands outside the source,
/// the fill colour is written. When the map shrinks the image by more than 2x, each destination pixel averages a
/// small grid of bilinear taps so a 4000x3000 photograph does not alias into noise at 128x128.
/// </summary>
public static class ImageSampler
{
    /// <summary>
    /// Writes a <paramref name="width"/> x <paramref name="height"/> RGB image into <paramref name="destination"/>
    /// (3 bytes per pixel, rows top to bottom); destination pixel (x, y) shows the source at
    /// <paramref name="destinationToSource"/> applied to the pixel centre (x + 0.5, y + 0.5).
    /// </summary>
    public static void Sample(RgbImage source, Affine2 destinationToSource, int width, int height, Span<byte> destination, byte fill = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (destination.Length < checked(width * height * 3))
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; a {width}x{height} RGB image needs {width * height * 3}", nameof(destination));
        }

        var m = destinationToSource;
        // How many source pixels one destination pixel spans, per axis: the taps per axis that cover it.
        var spanX = Math.Sqrt((m.A * m.A) + (m.D * m.D));
        var spanY = Math.Sqrt((m.B * m.B) + (m.E * m.E));
        var tapsX = Math.Clamp((int)Math.Ceiling(spanX / 2), 1, 8);
        var tapsY = Math.Clamp((int)Math.Ceiling(spanY / 2), 1, 8);
        if (m.B == 0 && m.D == 0)
        {
            SampleAxisAligned(source, m, width, height, destination, fill, tapsX, tapsY);
            return;
        }

        SampleGeneral(source, m, width, height, destination, fill, tapsX, tapsY);
    }

    /// <summary>Any affine map: every tap's source position computed per pixel.</summary>
    internal static void SampleGeneral(RgbImage source, Affine2 m, int width, int height, Span<byte> destination, byte fill, int tapsX, int tapsY)
    {
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                rgb.Clear();
                for (var ty = 0; ty < tapsY; ty++)
                {
                    for (var tx = 0; tx < tapsX; tx++)
                    {
                        var dx = x + ((tx + 0.5) / tapsX);
                        var dy = y + ((ty + 0.5) / tapsY);
                        var sx = (m.A * dx) + (m.B * dy) + m.C;
                        var sy = (m.D * dx) + (m.E * dy) + m.F;
                        Bilinear(source, sx, sy, rgb, fill);
                    }
                }

                var taps = tapsX * tapsY;
                var o = ((y * width) + x) * 3;
                destination[o] = (byte)Math.Clamp(MathF.Round(rgb[0] / taps), 0, 255);
                destination[o + 1] = (byte)Math.Clamp(MathF.Round(rgb[1] / taps), 0, 255);
                destination[o + 2] = (byte)Math.Clamp(MathF.Round(rgb[2] / taps), 0, 255);
            }
        }
    }

    /// <summary>
    /// The same sampling for maps without rotation or shear (every resize and letterbox): source columns, rows and
    /// weights are worked out once per destination column and row instead of once per pixel, with the same arithmetic,
    /// so the result is identical to the general path. Scratch comes from the shared array pool: nothing is allocated
    /// in steady state.
    /// </summary>
    internal static void SampleAxisAligned(RgbImage source, Affine2 m, int width, int height, Span<byte> destination, byte fill, int tapsX, int tapsY)
    {
        var columns = System.Buffers.ArrayPool<Tap>.Shared.Rent(width * tapsX);
        var rows = System.Buffers.ArrayPool<Tap>.Shared.Rent(height * tapsY);
        try
        {
            for (var x = 0; x < width; x++)
            {
                for (var tx = 0; tx < tapsX; tx++)
                {
                    columns[(x * tapsX) + tx] = Tap.At((m.A * (x + ((tx + 0.5) / tapsX))) + m.C, source.Width);
                }
            }

            for (var y = 0; y < height; y++)
            {
                for (var ty = 0; ty < tapsY; ty++)
                {
                    rows[(y * tapsY) + ty] = Tap.At((m.E * (y + ((ty + 0.5) / tapsY))) + m.F, source.Height);
                }
            }

            var p = source.Pixels;
            var stride = source.Width * 3;
            var taps = tapsX * tapsY;
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    float r = 0, g = 0, b = 0;
                    for (var ty = 0; ty < tapsY; ty++)
                    {
                        var row = rows[(y * tapsY) + ty];
                        for (var tx = 0; tx < tapsX; tx++)
                        {
                            var col = columns[(x * tapsX) + tx];
                            if (!row.Inside || !col.Inside)
                            {
                                r += fill;
                                g += fill;
                                b += fill;
                                continue;
                            }

                            int i00 = (row.I0 * stride) + (col.I0 * 3), i01 = (row.I0 * stride) + (col.I1 * 3);
                            int i10 = (row.I1 * stride) + (col.I0 * 3), i11 = (row.I1 * stride) + (col.I1 * 3);
                            r += Blend(p, i00, i01, i10, i11, col.W, row.W);
                            g += Blend(p, i00 + 1, i01 + 1, i10 + 1, i11 + 1, col.W, row.W);
                            b += Blend(p, i00 + 2, i01 + 2, i10 + 2, i11 + 2, col.W, row.W);
                        }
                    }

                    var o = ((y * width) + x) * 3;
                    destination[o] = (byte)Math.Clamp(MathF.Round(r / taps), 0, 255);
                    destination[o + 1] = (byte)Math.Clamp(MathF.Round(g / taps), 0, 255);
                    destination[o + 2] = (byte)Math.Clamp(MathF.Round(b / taps), 0, 255);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<Tap>.Shared.Return(columns);
            System.Buffers.ArrayPool<Tap>.Shared.Return(rows);
        }
    }

    private static float Blend(byte[] p, int i00, int i01, int i10, int i11, float wx, float wy)
    {
        var top = p[i00] + ((p[i01] - p[i00]) * wx);
        var bottom = p[i10] + ((p[i11] - p[i10]) * wx);
        return top + ((bottom - top) * wy);
    }

    /// <summary>One axis of a bilinear tap: the two neighbouring pixel indices and the weight of the second.</summary>
    private readonly record struct Tap(int I0, int I1, float W, bool Inside)
    {
        public static Tap At(double coordinate, int size)
        {
            if (coordinate < 0 || coordinate > size)
            {
                return new Tap(0, 0, 0, false);
            }

            var f = Math.Clamp(coordinate - 0.5, 0, size - 1);
            var i0 = (int)f;
            return new Tap(i0, Math.Min(i0 + 1, size - 1), (float)(f - i0), true);
        }
    }

    /// <summary>A new image of the given size sampled through <paramref name="destinationToSource"/>.</summary>
    public static RgbImage Sample(RgbImage source, Affine2 destinationToSource, int width, int height, byte fill = 0)
    {
        var pixels = new byte[checked(width * height * 3)];
        Sample(source, destinationToSource, width, height, pixels, fill);
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Adds the bilinear sample at (x, y) (pixel-area coordinates) to <paramref name="sum"/>, or the fill outside.</summary>
    private static void Bilinear(RgbImage image, double x, double y, Span<float> sum, byte fill)
    {
        if (x < 0 || y < 0 || x > image.Width || y > image.Height)
        {
            sum[0] += fill;
            sum[1] += fill;
            sum[2] += fill;
            return;
        }

        // Pixel centres sit at +0.5; clamp at the borders (edge pixels extend to the image boundary).
        var fx = Math.Clamp(x - 0.5, 0, image.Width - 1);
        var fy = Math.Clamp(y - 0.5, 0, image.Height - 1);
        var x0 = (int)fx;
        var y0 = (int)fy;
        var x1 = Math.Min(x0 + 1, image.Width - 1);
        var y1 = Math.Min(y0 + 1, image.Height - 1);
        var wx = (float)(fx - x0);
        var wy = (float)(fy - y0);
        var p = image.Pixels;
        int i00 = ((y0 * image.Width) + x0) * 3, i01 = ((y0 * image.Width) + x1) * 3;
        int i10 = ((y1 * image.Width) + x0) * 3, i11 = ((y1 * image.Width) + x1) * 3;
        for (var c = 0; c < 3; c++)
        {
            var top = p[i00 + c] + ((p[i01 + c] - p[i00 + c]) * wx);
            var bottom = p[i10 + c] + ((p[i11 + c] - p[i10 + c]) * wx);
            sum[c] += top + ((bottom - top) * wy);
        }
    }
}
