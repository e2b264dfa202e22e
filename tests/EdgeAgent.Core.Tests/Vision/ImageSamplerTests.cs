using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Tests.Vision;

public sealed class ImageSamplerTests
{
    [Theory]
    [InlineData(4.0, 4.0, 0.0, 0.0, 32, 24, 1, 1)]      // 4x shrink: 2x2 taps
    [InlineData(0.37, 0.37, 1.5, 2.25, 80, 60, 1, 1)]  // enlarge with a sub-pixel offset
    [InlineData(3.9, 3.9, -20.0, -12.0, 40, 40, 2, 2)] // letterbox: part of the map falls outside, filled
    [InlineData(31.25, 23.4, 0.0, 0.0, 4, 4, 8, 8)]    // a photograph into a thumbnail: 8x8 taps
    [InlineData(1.0, 2.5, 0.0, 0.0, 128, 20, 1, 2)]    // different scales per axis
    public void SampleAxisAligned_SameAsTheGeneralPath_ByteForByte(double sx, double sy, double dx, double dy, int width, int height, int tapsX, int tapsY)
    {
        var source = Noise(128, 96, seed: 5);
        var map = new Affine2(sx, 0, dx, 0, sy, dy);
        var general = new byte[width * height * 3];
        var aligned = new byte[width * height * 3];

        ImageSampler.SampleGeneral(source, map, width, height, general, 77, tapsX, tapsY);
        ImageSampler.SampleAxisAligned(source, map, width, height, aligned, 77, tapsX, tapsY);

        Assert.Equal(general, aligned);
        Assert.Contains(aligned, v => v != 77);
    }

    [Fact]
    public void Sample_IdentityMap_CopiesEveryPixelExactly()
    {
        var source = Noise(37, 23, seed: 1);

        var copy = ImageSampler.Sample(source, Affine2.Identity, source.Width, source.Height);

        Assert.Equal(source.Pixels, copy.Pixels);
    }

    [Fact]
    public void Sample_IntegerTranslation_ShiftsPixelsExactly()
    {
        var source = Noise(20, 10, seed: 2);

        // Destination (x, y) shows source (x + 3, y + 2).
        var shifted = ImageSampler.Sample(source, Affine2.Translate(3, 2), 10, 5);

        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 10; x++)
            {
                Assert.Equal(Pixel(source, x + 3, y + 2), Pixel(shifted, x, y));
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Sample_DownscaleOfOnePixelCheckerboard_AveragesToGrey(int factor)
    {
        var board = Checkerboard(64, 48, square: 1);

        var small = ImageSampler.Sample(board, Affine2.Scale(factor, factor), 64 / factor, 48 / factor);

        // Black and white in equal parts average to 127.5; nearest-neighbour sampling would give 0 or 255.
        Assert.All(small.Pixels, v => Assert.InRange(v, 126, 129));
    }

    [Fact]
    public void Sample_ThirtyTwoTimesDownscaleOfCheckerboard_StaysNearGrey()
    {
        // A 4000x3000 photograph into 128x96: the area taps keep fine detail from aliasing into black/white noise.
        var board = Checkerboard(1024, 768, square: 1);

        var small = ImageSampler.Sample(board, Affine2.Scale(32, 32), 32, 24);

        Assert.All(small.Pixels, v => Assert.InRange(v, 112, 143));
    }

    [Fact]
    public void Sample_TwoTimesDownscaleOfBlocks_KeepsEachBlocksColour()
    {
        var board = Checkerboard(16, 16, square: 2);

        var small = ImageSampler.Sample(board, Affine2.Scale(2, 2), 8, 8);

        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var expected = (byte)(((x + y) % 2 == 0) ? 0 : 255);
                Assert.Equal((expected, expected, expected), Pixel(small, x, y));
            }
        }
    }

    [Fact]
    public void Sample_MapOutsideTheSource_WritesTheFillColour()
    {
        var source = Solid(10, 10, 200);

        // Destination x 0..9 shows source x -10..-1 (outside), x 10..19 shows source 0..9 (inside).
        var shifted = ImageSampler.Sample(source, Affine2.Translate(-10, 0), 20, 10, fill: 7);

        for (var x = 0; x < 20; x++)
        {
            var expected = x < 10 ? (byte)7 : (byte)200;
            Assert.Equal((expected, expected, expected), Pixel(shifted, x, 5));
        }
    }

    [Fact]
    public void Sample_Letterbox_PadsAroundTheContentWithFill()
    {
        // A 20x10 image centred in 20x20: rows 0..4 and 15..19 are padding.
        var source = Solid(20, 10, 90);

        var boxed = ImageSampler.Sample(source, Affine2.Translate(0, -5), 20, 20, fill: 0);

        Assert.Equal((0, 0, 0), Pixel(boxed, 10, 4));
        Assert.Equal((90, 90, 90), Pixel(boxed, 10, 5));
        Assert.Equal((90, 90, 90), Pixel(boxed, 10, 14));
        Assert.Equal((0, 0, 0), Pixel(boxed, 10, 15));
    }

    [Fact]
    public void Sample_HorizontalGradientAtHalfPixelOffset_InterpolatesBilinearly()
    {
        var source = new RgbImage(4, 1, [0, 0, 0, 100, 100, 100, 200, 200, 200, 250, 250, 250]);

        var half = ImageSampler.Sample(source, Affine2.Translate(0.5, 0), 3, 1);

        Assert.Equal((50, 50, 50), Pixel(half, 0, 0));
        Assert.Equal((150, 150, 150), Pixel(half, 1, 0));
        Assert.Equal((225, 225, 225), Pixel(half, 2, 0));
    }

    [Fact]
    public void Sample_OnePixelSourceUpscaled_FillsEveryPixelWithIt()
    {
        var source = new RgbImage(1, 1, [10, 20, 30]);

        var big = ImageSampler.Sample(source, Affine2.Scale(1 / 128.0, 1 / 128.0), 128, 128);

        for (var i = 0; i < big.Pixels.Length; i += 3)
        {
            Assert.Equal((10, 20, 30), (big.Pixels[i], big.Pixels[i + 1], big.Pixels[i + 2]));
        }
    }

    [Fact]
    public void Sample_DestinationTooSmall_Throws()
    {
        var source = Solid(4, 4, 1);

        Assert.Throws<ArgumentException>(() => ImageSampler.Sample(source, Affine2.Identity, 4, 4, new byte[47]));
    }

    private static (byte R, byte G, byte B) Pixel(RgbImage image, int x, int y)
    {
        var o = ((y * image.Width) + x) * 3;
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }

    private static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
#pragma warning disable CA5394 // test data, not security
        new Random(seed).NextBytes(pixels);
#pragma warning restore CA5394
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage Solid(int width, int height, byte value)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, value);
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage Checkerboard(int width, int height, int square)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = (byte)((((x / square) + (y / square)) % 2 == 0) ? 0 : 255);
                var o = ((y * width) + x) * 3;
                pixels[o] = pixels[o + 1] = pixels[o + 2] = v;
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
