namespace EdgeAgent.Media.Camera;

/// <summary>What the camera sends: the two formats nearly every UVC webcam and CSI bridge offer.</summary>
public enum CameraPixelFormat
{
    /// <summary>Motion JPEG (fourcc MJPG): each frame a JPEG, decoded with SkiaSharp. Less USB bandwidth at high resolutions.</summary>
    Mjpeg,

    /// <summary>YUYV 4:2:2 (fourcc YUYV): Y0 U Y1 V per two pixels, converted here with the BT.601 limited-range matrix.</summary>
    Yuyv,
}
