using System.Runtime.CompilerServices;
using EdgeAgent.Core.Media;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Vision;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Media.Camera;

/// <summary>
/// A V4L2 camera (UVC webcam, CSI camera behind a V4L2 bridge) as a live source of <see cref="RgbImage"/>s: MJPEG
/// frames are decoded with SkiaSharp, YUYV frames converted (BT.601). The device is opened when enumeration starts and
/// closed when it ends; frames come at the camera's own rate.
/// </summary>
/// <remarks>
/// This binds V4L2 itself (libc open/ioctl/mmap/poll, <see cref="V4l2Device"/>) rather than Iot.Device.Media's
/// VideoDevice, which ignores the result of every ioctl (a failed VIDIOC_DQBUF hands back buffer 0 again: a stale frame),
/// copies the whole mapping instead of bytesused, and does not report the size the driver actually chose. Opening
/// errors are <see cref="IOException"/>s naming the device and what to check (exists? group video? another program?).
/// A frame the driver marks damaged, or one that does not decode, is dropped, logged and counted in
/// <see cref="FramesDropped"/>, never yielded.
/// </remarks>
public sealed class V4l2Camera : IFrameSource<RgbImage>
{
    /// <summary>How long one poll for a frame lasts before cancellation is looked at again.</summary>
    private const int PollMilliseconds = 200;

    /// <summary>Polls without a frame before the camera counts as stalled (10 s: far beyond the slowest 1 fps setting).</summary>
    private const int StalledPolls = 50;

    private readonly V4l2CameraOptions _options;
    private readonly ILogger _logger;
    private long _dropped;

    public V4l2Camera(V4l2CameraOptions options, ILogger<V4l2Camera>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Device, nameof(options));
        if (options.Width is < 16 or > 8192 || options.Height is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}x{options.Height}", "Camera Width and Height must be 16 to 8192");
        }

        if (options.PixelFormat == CameraPixelFormat.Yuyv && options.Width % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Width, "Camera Width must be even for YUYV (it pairs pixels)");
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public string Name => $"v4l2:{_options.Device}";

    public bool IsLive => true;

    /// <summary>Damaged or undecodable frames dropped since this source was made.</summary>
    public long FramesDropped => Interlocked.Read(ref _dropped);

    public async IAsyncEnumerable<RgbImage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fourCc = V4l2Interop.FourCc(_options.PixelFormat == CameraPixelFormat.Mjpeg ? "MJPG" : "YUYV");
        using var device = await Task.Run(() => V4l2Device.Open(_options.Device, (uint)_options.Width, (uint)_options.Height, fourCc), cancellationToken)
            .ConfigureAwait(false);
        if (device.Width != _options.Width || device.Height != _options.Height)
        {
            Log.SizeAdjusted(_logger, _options.Device, _options.Width, _options.Height, device.Width, device.Height);
        }

        Log.Streaming(_logger, _options.Device, device.Card, device.Width, device.Height, V4l2Interop.FourCcText(device.PixelFormat));
        long frames = 0;
        try
        {
            while (true)
            {
                var image = await Task.Run(() => NextFrame(device, cancellationToken), cancellationToken).ConfigureAwait(false);
                frames++;
                yield return image;
            }
        }
        finally
        {
            Log.Stopped(_logger, _options.Device, frames);
        }
    }

    private RgbImage NextFrame(V4l2Device device, CancellationToken cancellationToken)
    {
        var idle = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frame = device.TryDequeue(PollMilliseconds, out var damaged);
            if (frame is null)
            {
                if (++idle == StalledPolls)
                {
                    throw new IOException($"camera {_options.Device}: no frame for {StalledPolls * PollMilliseconds / 1000} s " +
                        "(USB bandwidth shared with another camera? try MJPEG or a lower resolution)");
                }

                continue;
            }

            idle = 0;

            if (damaged || frame.Length == 0)
            {
                Log.FrameDropped(_logger, _options.Device, damaged ? "the driver flagged it" : "empty", Interlocked.Increment(ref _dropped));
                continue;
            }

            try
            {
                return V4l2FrameDecoder.Decode(_options.PixelFormat, frame, (int)device.Width, (int)device.Height, (int)device.BytesPerLine, _options.Device);
            }
            catch (MediaFormatException e)
            {
                Log.FrameDropped(_logger, _options.Device, e.Message, Interlocked.Increment(ref _dropped));
            }
        }
    }
}
