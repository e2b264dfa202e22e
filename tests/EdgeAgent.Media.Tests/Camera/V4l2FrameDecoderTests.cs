using EdgeAgent.Core.Media;
using EdgeAgent.Media.Camera;
using SkiaSharp;

namespace EdgeAgent.Media.Tests.Camera;

public sealed class V4l2FrameDecoderTests
{
    /// <summary>
    /// BT.601 limited-range YCbCr of the primaries and of black and white (ITU-R BT.601 studio levels: Y 16-235, Cb/Cr
    /// 16-240 around 128), and the RGB they stand for.
    /// </summary>
    public static TheoryData<byte, byte, byte, byte, byte, byte> Colours() => new()
    {
        { 16, 128, 128, 0, 0, 0 }, // black
        { 235, 128, 128, 255, 255, 255 }, // white
        { 81, 90, 240, 255, 0, 0 }, // red
        { 145, 54, 34, 0, 255, 0 }, // green
        { 41, 240, 110, 0, 0, 255 }, // blue
        { 126, 128, 128, 128, 128, 128 }, // mid grey
    };

    [Theory]
    [MemberData(nameof(Colours))]
    public void FromYuyv_StudioLevels_GiveTheRgbPrimaries(byte y, byte u, byte v, byte r, byte g, byte b)
    {
        byte[] frame = [y, u, y, v, y, u, y, v];

        var image = V4l2FrameDecoder.FromYuyv(frame, 4, 1, 8, "/dev/video0");

        for (var pixel = 0; pixel < 4; pixel++)
        {
            var rgb = image.Pixels.AsSpan(pixel * 3, 3).ToArray();
            Assert.True(Near(rgb[0], r) && Near(rgb[1], g) && Near(rgb[2], b), $"pixel {pixel}: {string.Join(",", rgb)}, expected {r},{g},{b}");
        }
    }

    [Fact]
    public void FromYuyv_EachPixelOfAPairKeepsItsOwnLuma()
    {
        byte[] frame = [16, 128, 235, 128];

        var image = V4l2FrameDecoder.FromYuyv(frame, 2, 1, 4, "cam");

        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void FromYuyv_PaddedRows_SkipThePadding()
    {
        // 2x2 frame with a stride of 8 bytes (4 bytes of padding a row, as drivers align lines): row 0 black, row 1 white.
        byte[] frame = [16, 128, 16, 128, 0xEE, 0xEE, 0xEE, 0xEE, 235, 128, 235, 128];

        var image = V4l2FrameDecoder.FromYuyv(frame, 2, 2, 8, "cam");

        Assert.Equal((2, 2), (image.Width, image.Height));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void FromYuyv_ShortFrame_IsAMediaFormatErrorNamingSizes()
    {
        var e = Assert.Throws<MediaFormatException>(() => V4l2FrameDecoder.FromYuyv(new byte[100], 640, 480, 1280, "/dev/video0"));

        Assert.Equal("/dev/video0: is a YUYV frame of 100 bytes; 640x480 needs 614400", e.Message);
    }

    [Fact]
    public void Decode_MjpegWithTheDriversTrailingBytes_DecodesToTheFramesSize()
    {
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(new SKColor(200, 30, 40));
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        var frame = jpeg.ToArray().Concat(new byte[4096]).ToArray(); // bytesused can run past the JPEG's EOI

        var image = V4l2FrameDecoder.Decode(CameraPixelFormat.Mjpeg, frame, 64, 48, 0, "/dev/video0");

        Assert.Equal((64, 48), (image.Width, image.Height));
        Assert.True(Near(image.Pixels[0], 200, 6) && Near(image.Pixels[1], 30, 6) && Near(image.Pixels[2], 40, 6),
            $"{image.Pixels[0]},{image.Pixels[1]},{image.Pixels[2]}");
    }

    [Fact]
    public void Decode_DamagedMjpeg_IsAMediaFormatError()
    {
        using var bitmap = new SKBitmap(64, 48);
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        var cut = jpeg.ToArray()[..200];

        Assert.Throws<MediaFormatException>(() => V4l2FrameDecoder.Decode(CameraPixelFormat.Mjpeg, cut, 64, 48, 0, "/dev/video0"));
    }

    private static bool Near(byte actual, byte expected, int tolerance = 2) => Math.Abs(actual - expected) <= tolerance;
}
