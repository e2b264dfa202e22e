using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class DetectionInputTests
{
    [Theory]
    [InlineData(640, 480, 640, 480)] // already multiples of 32, under the limit
    [InlineData(1920, 1080, 960, 544)] // long side to 960; 540 rounds to 17 x 32
    [InlineData(1080, 1920, 544, 960)]
    [InlineData(3000, 200, 960, 64)] // 200 x 0.32 = 64
    [InlineData(100, 10, 96, 32)] // 10 rounds to 0, raised to 32
    [InlineData(1, 1, 32, 32)] // tiny images are scaled up to the minimum
    [InlineData(48, 80, 64, 64)] // 1.5 and 2.5 round half to even (Python's round): 2 x 32 both
    [InlineData(112, 16, 128, 32)] // 3.5 rounds to 4
    [InlineData(961, 300, 960, 288)] // just over the limit: ratio 960/961, 299.68 truncates to 299, rounds to 9 x 32
    public void ResizedSize_LimitSide960_IsMultipleOf32WithinTheLimit(int width, int height, int expectedWidth, int expectedHeight)
    {
        var (w, h) = DetectionInput.ResizedSize(width, height, 960);

        Assert.Equal((expectedWidth, expectedHeight), (w, h));
        Assert.Equal(0, w % 32);
        Assert.Equal(0, h % 32);
        Assert.True(Math.Max(w, h) <= 960);
    }

    [Fact]
    public void ResizedSize_SmallerLimit_ShrinksTheLongSideToIt()
    {
        Assert.Equal((320, 160), DetectionInput.ResizedSize(1280, 640, 320));
    }

    [Fact]
    public void Write_OneColour_NormalisesEachChannelWithImageNetMeanAndStdInBgrOrder()
    {
        // R 255, G 128, B 0 everywhere; PaddleOCR normalises cv2's BGR planes with mean (0.485, 0.456, 0.406).
        var image = new RgbImage(2, 2, [255, 128, 0, 255, 128, 0, 255, 128, 0, 255, 128, 0]);
        var tensor = new float[3 * 32 * 32];

        DetectionInput.Write(image, 32, 32, new byte[32 * 32 * 3], tensor);

        var plane = 32 * 32;
        Assert.All(tensor[..plane], v => Assert.Equal((0f - 0.485f) / 0.229f, v, 4));
        Assert.All(tensor[plane..(2 * plane)], v => Assert.Equal(((128f / 255f) - 0.456f) / 0.224f, v, 4));
        Assert.All(tensor[(2 * plane)..], v => Assert.Equal((1f - 0.406f) / 0.225f, v, 4));
    }

    [Fact]
    public void Write_LeftHalfBlack_KeepsTheLayoutRowMajorPerPlane()
    {
        var pixels = new byte[64 * 32 * 3];
        for (var y = 0; y < 32; y++)
        {
            for (var x = 32; x < 64; x++)
            {
                pixels[((y * 64) + x) * 3] = 255;
                pixels[(((y * 64) + x) * 3) + 1] = 255;
                pixels[(((y * 64) + x) * 3) + 2] = 255;
            }
        }

        var tensor = new float[3 * 32 * 64];

        DetectionInput.Write(new RgbImage(64, 32, pixels), 64, 32, new byte[64 * 32 * 3], tensor);

        Assert.Equal(-0.485f / 0.229f, tensor[(5 * 64) + 10], 4);
        Assert.Equal((1 - 0.485f) / 0.229f, tensor[(5 * 64) + 50], 4);
    }
}
