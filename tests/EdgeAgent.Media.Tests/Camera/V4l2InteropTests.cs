using System.Runtime.CompilerServices;
using EdgeAgent.Media.Camera;

namespace EdgeAgent.Media.Tests.Camera;

/// <summary>The hand-written V4L2 ABI against the numbers linux/videodev2.h gives on a 64-bit kernel.</summary>
public sealed class V4l2InteropTests
{
    [Fact]
    public void Structs_HaveTheKernelsLp64Sizes()
    {
        Assert.Equal(104, Unsafe.SizeOf<V4l2Interop.Capability>());
        Assert.Equal(208, Unsafe.SizeOf<V4l2Interop.Format>());
        Assert.Equal(20, Unsafe.SizeOf<V4l2Interop.RequestBuffersArgs>());
        Assert.Equal(88, Unsafe.SizeOf<V4l2Interop.Buffer>());
        Assert.Equal(8, Unsafe.SizeOf<V4l2Interop.PollFd>());
    }

    [Fact]
    public void IoctlNumbers_AreThoseOfVideodev2OnLp64()
    {
        Assert.Equal((nuint)0x80685600, V4l2Interop.QueryCap);
        Assert.Equal((nuint)0xC0D05605, V4l2Interop.SetFormat);
        Assert.Equal((nuint)0xC0145608, V4l2Interop.RequestBuffers);
        Assert.Equal((nuint)0xC0585609, V4l2Interop.QueryBuffer);
        Assert.Equal((nuint)0xC058560F, V4l2Interop.QueueBuffer);
        Assert.Equal((nuint)0xC0585611, V4l2Interop.DequeueBuffer);
        Assert.Equal((nuint)0x40045612, V4l2Interop.StreamOn);
        Assert.Equal((nuint)0x40045613, V4l2Interop.StreamOff);
    }

    [Theory]
    [InlineData("MJPG", 0x47504A4Du)]
    [InlineData("YUYV", 0x56595559u)]
    public void FourCc_IsV4l2Fourcc(string code, uint expected)
    {
        Assert.Equal(expected, V4l2Interop.FourCc(code));
        Assert.Equal(code, V4l2Interop.FourCcText(expected));
    }
}
