using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class RecognitionInputTests
{
    [Theory]
    [InlineData(100, 48, 320, 100)] // narrower than 320/48: padded to the default width
    [InlineData(30, 20, 320, 72)] // ceil(48 x 1.5)
    [InlineData(480, 48, 480, 480)] // wider than 320/48: the tensor widens to the text
    [InlineData(701, 30, 1121, 1121)] // ceil(1121.6) is capped at int(1121.6)
    public void Widths_CropSize_FollowsResizeNormImg(int cropWidth, int cropHeight, int tensorWidth, int textWidth)
    {
        Assert.Equal((tensorWidth, textWidth), RecognitionInput.Widths(cropWidth, cropHeight));
    }

    [Theory]
    [InlineData(100, 30, 100, 30, false)]
    [InlineData(20, 60, 60, 20, true)]
    [InlineData(20, 30, 30, 20, true)] // height / width = 1.5 exactly turns (>=)
    [InlineData(20, 29, 20, 29, false)]
    public void CropSize_AxisAlignedBox_TurnsWhenAtLeastOneAndAHalfTimesTallerThanWide(int width, int height, int cropWidth, int cropHeight, bool turned)
    {
        var box = new Quad(new(5, 5), new(5 + width, 5), new(5 + width, 5 + height), new(5, 5 + height));

        Assert.Equal((cropWidth, cropHeight, turned), RecognitionInput.CropSize(box));
    }

    [Fact]
    public void CropToSource_UprightBox_MapsTheTextImageOntoTheBox()
    {
        var box = new Quad(new(10, 20), new(110, 20), new(110, 50), new(10, 50));
        var (w, h, turned) = RecognitionInput.CropSize(box);
        var (_, textWidth) = RecognitionInput.Widths(w, h);

        var map = RecognitionInput.CropToSource(box, w, h, turned, textWidth);

        Assert.Equal(160, textWidth);
        Assert.Equal(new Point2(10, 20), map.Apply(new Point2(0, 0)));
        Assert.Equal(new Point2(110, 50), map.Apply(new Point2(160, 48)));
    }

    [Fact]
    public void CropToSource_TallBox_TurnsSoTheTopOfTheColumnIsOnTheLeft()
    {
        // A 30 x 40 image with a column at x 10..19: red in its top half, blue in its bottom half (vertical text read
        // top to bottom becomes a line read left to right, as np.rot90 does in get_rotate_crop_image).
        var pixels = new byte[30 * 40 * 3];
        for (var y = 0; y < 40; y++)
        {
            for (var x = 10; x < 20; x++)
            {
                pixels[(((y * 30) + x) * 3) + (y < 20 ? 0 : 2)] = 255;
            }
        }

        var image = new RgbImage(30, 40, pixels);
        var box = new Quad(new(10, 0), new(19, 0), new(19, 39), new(10, 39));
        var (w, h, turned) = RecognitionInput.CropSize(box);
        var (_, textWidth) = RecognitionInput.Widths(w, h);

        var text = ImageSampler.Sample(image, RecognitionInput.CropToSource(box, w, h, turned, textWidth), textWidth, RecognitionInput.Height);

        Assert.True(turned);
        Assert.Equal((39, 9), (w, h));
        Assert.Equal([255, 0, 0], Pixel(text, 10, 24));
        Assert.Equal([0, 0, 255], Pixel(text, textWidth - 10, 24));
    }

    [Fact]
    public void Normalise_TwoPixelWideText_ScalesToMinusOneOneInBgrPlanesAndZeroPadsTheRest()
    {
        // Every row: pixel 0 is R 255 G 0 B 0, pixel 1 is R 0 G 0 B 255.
        var pixels = new byte[2 * RecognitionInput.Height * 3];
        for (var y = 0; y < RecognitionInput.Height; y++)
        {
            pixels[y * 6] = 255;
            pixels[(y * 6) + 5] = 255;
        }

        var tensor = new float[3 * RecognitionInput.Height * 4];
        Array.Fill(tensor, 7f); // stale values from an earlier line must not survive

        RecognitionInput.Normalise(pixels, textWidth: 2, tensorWidth: 4, tensor);

        var plane = RecognitionInput.Height * 4;
        Assert.Equal([-1f, 1f, 0f, 0f], tensor[..4]); // blue plane, row 0
        Assert.Equal([-1f, -1f, 0f, 0f], tensor[plane..(plane + 4)]); // green
        Assert.Equal([1f, -1f, 0f, 0f], tensor[(2 * plane)..((2 * plane) + 4)]); // red
        Assert.DoesNotContain(7f, tensor);
    }

    private static byte[] Pixel(RgbImage image, int x, int y) => image.Pixels.AsSpan(((y * image.Width) + x) * 3, 3).ToArray();
}
