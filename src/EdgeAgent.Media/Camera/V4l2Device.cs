using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAgent.Media.Camera;

/// <summary>
/// An open V4L2 capture device streaming into memory-mapped buffers (V4L2 API, "Streaming I/O (Memory Mapping)"):
/// open, VIDIOC_QUERYCAP, VIDIOC_S_FMT, VIDIOC_REQBUFS, VIDIOC_QUERYBUF + mmap, VIDIOC_QBUF, VIDIOC_STREAMON; then
/// poll + VIDIOC_DQBUF / VIDIOC_QBUF per frame. Every ioctl's result is checked: a failure is an
/// <see cref="IOException"/> naming the device, the call and errno.
/// </summary>
internal sealed class V4l2Device : IDisposable
{
    private const int RequestedBuffers = 4;

    private readonly string _path;
    private readonly List<(nint Start, nuint Length)> _buffers = [];
    private int _fd = -1;
    private bool _streaming;

    private V4l2Device(string path)
    {
        _path = path;
    }

    public string Card { get; private set; } = "";

    public uint Width { get; private set; }

    public uint Height { get; private set; }

    public uint BytesPerLine { get; private set; }

    public uint PixelFormat { get; private set; }

    /// <summary>Opens <paramref name="path"/> and starts streaming <paramref name="fourCc"/> at (about) the given size.</summary>
    public static V4l2Device Open(string path, uint width, uint height, uint fourCc)
    {
        if (!Environment.Is64BitProcess)
        {
            throw new PlatformNotSupportedException("the V4L2 camera binding uses the 64-bit (LP64) struct layouts; run a 64-bit process");
        }

        var device = new V4l2Device(path);
        try
        {
            device.Start(width, height, fourCc);
            return device;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits for the next frame (at most <paramref name="timeoutMilliseconds"/>), copies its bytesused bytes out and gives
    /// the buffer back to the driver. Null on timeout. <paramref name="damaged"/> is the driver's V4L2_BUF_FLAG_ERROR.
    /// </summary>
    public byte[]? TryDequeue(int timeoutMilliseconds, out bool damaged)
    {
        damaged = false;
        var poll = new V4l2Interop.PollFd { Fd = _fd, Events = V4l2Interop.PollIn };
        var ready = V4l2Interop.Poll(ref poll, 1, timeoutMilliseconds);
        if (ready < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == V4l2Interop.EINTR ? null : throw Fail("poll", errno);
        }

        if (ready == 0)
        {
            return null;
        }

        var buffer = new V4l2Interop.Buffer { Type = V4l2Interop.BufTypeVideoCapture, Memory = V4l2Interop.MemoryMmap };
        if (V4l2Interop.IoctlBuffer(_fd, V4l2Interop.DequeueBuffer, ref buffer) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == V4l2Interop.EAGAIN ? null : throw Fail("VIDIOC_DQBUF", errno);
        }

        byte[] frame;
        try
        {
            var (start, length) = _buffers[(int)buffer.Index];
            var used = (int)Math.Min(buffer.BytesUsed, (uint)length);
            frame = new byte[used];
            Marshal.Copy(start, frame, 0, used);
            damaged = (buffer.Flags & V4l2Interop.BufFlagError) != 0;
        }
        finally
        {
            Check(V4l2Interop.IoctlBuffer(_fd, V4l2Interop.QueueBuffer, ref buffer), "VIDIOC_QBUF");
        }

        return frame;
    }

    public void Dispose()
    {
        if (_streaming)
        {
            var type = (int)V4l2Interop.BufTypeVideoCapture;
            _ = V4l2Interop.IoctlInt(_fd, V4l2Interop.StreamOff, ref type);
            _streaming = false;
        }

        foreach (var (start, length) in _buffers)
        {
            _ = V4l2Interop.Munmap(start, length);
        }

        _buffers.Clear();
        if (_fd >= 0)
        {
            _ = V4l2Interop.Close(_fd);
            _fd = -1;
        }
    }

    private void Start(uint width, uint height, uint fourCc)
    {
        _fd = V4l2Interop.Open(_path, V4l2Interop.ORdWr | V4l2Interop.ONonBlock);
        if (_fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"camera {_path}: cannot open it: {V4l2Interop.Describe(errno)}; {OpenHint(errno)}");
        }

        var capability = default(V4l2Interop.Capability);
        if (V4l2Interop.IoctlCapability(_fd, V4l2Interop.QueryCap, ref capability) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == V4l2Interop.ENOTTY || errno == V4l2Interop.EINVAL
                ? new IOException($"camera {_path}: is not a V4L2 device (VIDIOC_QUERYCAP: {V4l2Interop.Describe(errno)}); check the path (v4l2-ctl --list-devices)")
                : Fail("VIDIOC_QUERYCAP", errno);
        }

        ReadOnlySpan<byte> card = capability.Card;
        var end = card.IndexOf((byte)0);
        Card = Encoding.UTF8.GetString(end < 0 ? card : card[..end]);
        var caps = (capability.Capabilities & V4l2Interop.CapDeviceCaps) != 0 ? capability.DeviceCaps : capability.Capabilities;
        if ((caps & V4l2Interop.CapVideoCapture) == 0 || (caps & V4l2Interop.CapStreaming) == 0)
        {
            throw new IOException($"camera {_path} ({Card}): is not a streaming video capture node (capabilities 0x{caps:X8}); " +
                "a camera often has a second /dev/video node for metadata: try the other one (v4l2-ctl --list-devices)");
        }

        var format = new V4l2Interop.Format
        {
            Type = V4l2Interop.BufTypeVideoCapture,
            Width = width,
            Height = height,
            PixelFormat = fourCc,
            Field = V4l2Interop.FieldAny,
        };
        if (V4l2Interop.IoctlFormat(_fd, V4l2Interop.SetFormat, ref format) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == V4l2Interop.EBUSY
                ? new IOException($"camera {_path} ({Card}): another program is streaming from it (VIDIOC_S_FMT: {V4l2Interop.Describe(errno)}); fuser -v {_path}")
                : Fail("VIDIOC_S_FMT", errno);
        }

        if (format.PixelFormat != fourCc)
        {
            throw new IOException($"camera {_path} ({Card}): does not send {V4l2Interop.FourCcText(fourCc)} (it offered {V4l2Interop.FourCcText(format.PixelFormat)}); " +
                $"v4l2-ctl -d {_path} --list-formats-ext lists what it sends");
        }

        (Width, Height, BytesPerLine, PixelFormat) = (format.Width, format.Height, format.BytesPerLine, format.PixelFormat);

        var request = new V4l2Interop.RequestBuffersArgs { Count = RequestedBuffers, Type = V4l2Interop.BufTypeVideoCapture, Memory = V4l2Interop.MemoryMmap };
        Check(V4l2Interop.IoctlRequestBuffers(_fd, V4l2Interop.RequestBuffers, ref request), "VIDIOC_REQBUFS");
        if (request.Count < 2)
        {
            throw new IOException($"camera {_path} ({Card}): the driver granted {request.Count} capture buffer(s); streaming needs at least 2 (out of memory?)");
        }

        for (uint i = 0; i < request.Count; i++)
        {
            var buffer = new V4l2Interop.Buffer { Index = i, Type = V4l2Interop.BufTypeVideoCapture, Memory = V4l2Interop.MemoryMmap };
            Check(V4l2Interop.IoctlBuffer(_fd, V4l2Interop.QueryBuffer, ref buffer), "VIDIOC_QUERYBUF");
            var start = V4l2Interop.Mmap(0, buffer.Length, V4l2Interop.ProtRead | V4l2Interop.ProtWrite, V4l2Interop.MapShared, _fd, (nint)buffer.Offset);
            if (start == -1)
            {
                throw Fail("mmap", Marshal.GetLastPInvokeError());
            }

            _buffers.Add((start, buffer.Length));
            Check(V4l2Interop.IoctlBuffer(_fd, V4l2Interop.QueueBuffer, ref buffer), "VIDIOC_QBUF");
        }

        var type = (int)V4l2Interop.BufTypeVideoCapture;
        Check(V4l2Interop.IoctlInt(_fd, V4l2Interop.StreamOn, ref type), "VIDIOC_STREAMON");
        _streaming = true;
    }

    private static string OpenHint(int errno) => errno switch
    {
        V4l2Interop.ENOENT => "it does not exist: is the camera plugged in (USB) or enabled (CSI: the board's camera overlay)? ls /dev/video*",
        V4l2Interop.EACCES or V4l2Interop.EPERM => "permission denied: add this user to the group video (ls -l shows the node's group)",
        V4l2Interop.EBUSY => "it is in use by another program (fuser -v)",
        V4l2Interop.ENODEV or V4l2Interop.ENXIO => "the device went away (unplugged?)",
        _ => "check that it exists (ls /dev/video*) and that this user is in the group video",
    };

    private void Check(int result, string call)
    {
        if (result < 0)
        {
            throw Fail(call, Marshal.GetLastPInvokeError());
        }
    }

    private IOException Fail(string call, int errno) =>
        new($"camera {_path}{(Card.Length > 0 ? $" ({Card})" : "")}: {call} failed: {V4l2Interop.Describe(errno)}" +
            (errno is V4l2Interop.ENODEV or V4l2Interop.ENXIO ? " (the camera was unplugged?)" : ""));
}
