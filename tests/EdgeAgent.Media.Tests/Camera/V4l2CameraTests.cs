using EdgeAgent.Core.Vision;
using EdgeAgent.Media.Camera;

namespace EdgeAgent.Media.Tests.Camera;

public sealed class V4l2CameraTests
{
    [Fact]
    public async Task ReadAsync_DeviceThatDoesNotExist_NamesItAndSaysWhatToCheck()
    {
        var camera = new V4l2Camera(new V4l2CameraOptions { Device = "/dev/video-edgeagent-none" });

        var e = await Assert.ThrowsAsync<IOException>(() => First(camera));

        Assert.StartsWith("camera /dev/video-edgeagent-none: cannot open it: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("it does not exist: is the camera plugged in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NodeThatIsNotV4l2_SaysSo()
    {
        var camera = new V4l2Camera(new V4l2CameraOptions { Device = "/dev/null" });

        var e = await Assert.ThrowsAsync<IOException>(() => First(camera));

        Assert.StartsWith("camera /dev/null: is not a V4L2 device (VIDIOC_QUERYCAP: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 480, CameraPixelFormat.Mjpeg)]
    [InlineData(640, 9000, CameraPixelFormat.Mjpeg)]
    [InlineData(641, 480, CameraPixelFormat.Yuyv)]
    public void Constructor_BadSize_IsRefused(int width, int height, CameraPixelFormat format)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new V4l2Camera(new V4l2CameraOptions { Width = width, Height = height, PixelFormat = format }));
    }

    [Fact]
    public void Source_IsLiveAndNamedAfterTheDevice()
    {
        var camera = new V4l2Camera(new V4l2CameraOptions { Device = "/dev/video2" });

        Assert.True(camera.IsLive);
        Assert.Equal("v4l2:/dev/video2", camera.Name);
    }

    [Theory]
    [Trait("Category", "Hardware")]
    [InlineData(CameraPixelFormat.Mjpeg)]
    [InlineData(CameraPixelFormat.Yuyv)]
    public async Task ReadAsync_RealCamera_YieldsFramesOfAboutTheAskedSize(CameraPixelFormat format)
    {
        // A UVC webcam on /dev/video0 (EDGEAGENT_CAMERA overrides) that sends 640x480 in both formats.
        var device = Environment.GetEnvironmentVariable("EDGEAGENT_CAMERA") ?? "/dev/video0";
        var camera = new V4l2Camera(new V4l2CameraOptions { Device = device, Width = 640, Height = 480, PixelFormat = format });

        var frames = new List<RgbImage>();
        await foreach (var frame in camera.ReadAsync(CancellationToken.None))
        {
            frames.Add(frame);
            if (frames.Count == 5)
            {
                break;
            }
        }

        Assert.All(frames, f => Assert.Equal((640, 480), (f.Width, f.Height)));
        Assert.Contains(frames, f => f.Pixels.Any(p => p != 0)); // not all black: the sensor delivered light
    }

    private static async Task<RgbImage> First(V4l2Camera camera)
    {
        await foreach (var frame in camera.ReadAsync(CancellationToken.None))
        {
            return frame;
        }

        throw new InvalidOperationException("the camera ended without a frame");
    }
}
