using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAgent.Media.Camera;

/// <summary>
/// The V4L2 streaming-capture subset (Linux uapi linux/videodev2.h; "Streaming I/O (Memory Mapping)" in the V4L2 API
/// documentation) and the libc calls around it. Struct layouts are the 64-bit ones (LP64: x86-64 and ARM64 boards);
/// the tests pin their sizes to what the ioctl numbers encode.
/// </summary>
internal static partial class V4l2Interop
{
    public const int ORdWr = 2;
    public const int ONonBlock = 0x800; // 04000 on x86-64 and the generic (ARM64) ABI
    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapShared = 1;
    public const short PollIn = 1;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;
    public const int EPERM = 1;

    public const uint BufTypeVideoCapture = 1; // V4L2_BUF_TYPE_VIDEO_CAPTURE
    public const uint MemoryMmap = 1; // V4L2_MEMORY_MMAP
    public const uint FieldAny = 0; // V4L2_FIELD_ANY
    public const uint CapVideoCapture = 0x00000001; // V4L2_CAP_VIDEO_CAPTURE
    public const uint CapStreaming = 0x04000000; // V4L2_CAP_STREAMING
    public const uint CapDeviceCaps = 0x80000000; // V4L2_CAP_DEVICE_CAPS: device_caps is filled in
    public const uint BufFlagError = 0x00000040; // V4L2_BUF_FLAG_ERROR: the frame was damaged

    // _IOR/_IOW/_IOWR('V', nr, type) from asm-generic/ioctl.h: dir << 30 | size << 16 | 'V' << 8 | nr.
    public static readonly nuint QueryCap = Ioctl(Direction.Read, 0, Unsafe.SizeOf<Capability>());
    public static readonly nuint SetFormat = Ioctl(Direction.ReadWrite, 5, Unsafe.SizeOf<Format>());
    public static readonly nuint RequestBuffers = Ioctl(Direction.ReadWrite, 8, Unsafe.SizeOf<RequestBuffersArgs>());
    public static readonly nuint QueryBuffer = Ioctl(Direction.ReadWrite, 9, Unsafe.SizeOf<Buffer>());
    public static readonly nuint QueueBuffer = Ioctl(Direction.ReadWrite, 15, Unsafe.SizeOf<Buffer>());
    public static readonly nuint DequeueBuffer = Ioctl(Direction.ReadWrite, 17, Unsafe.SizeOf<Buffer>());
    public static readonly nuint StreamOn = Ioctl(Direction.Write, 18, sizeof(int));
    public static readonly nuint StreamOff = Ioctl(Direction.Write, 19, sizeof(int));

    internal enum Direction : uint
    {
        Write = 1,
        Read = 2,
        ReadWrite = 3,
    }

    public static nuint Ioctl(Direction direction, int number, int size) =>
        ((nuint)direction << 30) | ((nuint)(uint)size << 16) | ((nuint)'V' << 8) | (nuint)(uint)number;

    /// <summary>v4l2_fourcc(a, b, c, d): a | b &lt;&lt; 8 | c &lt;&lt; 16 | d &lt;&lt; 24.</summary>
    public static uint FourCc(string code) => code[0] | ((uint)code[1] << 8) | ((uint)code[2] << 16) | ((uint)code[3] << 24);

    public static string FourCcText(uint code) => string.Concat((char)(code & 0xFF), (char)((code >> 8) & 0xFF), (char)((code >> 16) & 0xFF), (char)(code >> 24));

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlCapability(int fd, nuint request, ref Capability argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlFormat(int fd, nuint request, ref Format argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlRequestBuffers(int fd, nuint request, ref RequestBuffersArgs argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlBuffer(int fd, nuint request, ref Buffer argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlInt(int fd, nuint request, ref int argument);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string Describe(int errno) => $"{Marshal.PtrToStringUTF8(StrError(errno)) ?? "error"} (errno {errno})";

    /// <summary>struct v4l2_capability (104 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 104)]
    internal struct Capability
    {
        [FieldOffset(16)]
        public Card Card;

        [FieldOffset(84)]
        public uint Capabilities;

        [FieldOffset(88)]
        public uint DeviceCaps;
    }

    /// <summary>The 32-byte card name of v4l2_capability, NUL-terminated.</summary>
    [InlineArray(32)]
    internal struct Card
    {
        private byte _first;
    }

    /// <summary>struct v4l2_format with its v4l2_pix_format member (the union starts at 8: it holds pointers; 208 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 208)]
    internal struct Format
    {
        [FieldOffset(0)]
        public uint Type;

        [FieldOffset(8)]
        public uint Width;

        [FieldOffset(12)]
        public uint Height;

        [FieldOffset(16)]
        public uint PixelFormat;

        [FieldOffset(20)]
        public uint Field;

        [FieldOffset(24)]
        public uint BytesPerLine;

        [FieldOffset(28)]
        public uint SizeImage;
    }

    /// <summary>struct v4l2_requestbuffers (20 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 20)]
    internal struct RequestBuffersArgs
    {
        [FieldOffset(0)]
        public uint Count;

        [FieldOffset(4)]
        public uint Type;

        [FieldOffset(8)]
        public uint Memory;
    }

    /// <summary>struct v4l2_buffer (88 bytes on LP64: a struct timeval at 24, the memory union at 64).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 88)]
    internal struct Buffer
    {
        [FieldOffset(0)]
        public uint Index;

        [FieldOffset(4)]
        public uint Type;

        [FieldOffset(8)]
        public uint BytesUsed;

        [FieldOffset(12)]
        public uint Flags;

        [FieldOffset(56)]
        public uint Sequence;

        [FieldOffset(60)]
        public uint Memory;

        [FieldOffset(64)]
        public uint Offset;

        [FieldOffset(72)]
        public uint Length;
    }

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
