using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Media.Camera;

/// <summary>Which V4L2 device the camera is and what it is asked to send.</summary>
public sealed class V4l2CameraOptions
{
    /// <summary>The device node, e.g. <c>/dev/video0</c> or a stable <c>/dev/v4l/by-id/...-video-index0</c> link.</summary>
    [Required]
    public string Device { get; set; } = "/dev/video0";

    [Range(16, 8192)]
    public int Width { get; set; } = 640;

    [Range(16, 8192)]
    public int Height { get; set; } = 480;

    public CameraPixelFormat PixelFormat { get; set; } = CameraPixelFormat.Mjpeg;
}
