using System.IO.Pipes;
using System.Runtime.InteropServices;
using EdgeAgent.Hardware.Companion;
using Microsoft.Win32.SafeHandles;

namespace EdgeAgent.Hardware.Tests.Companion;

/// <summary>Two connected byte streams, the board's end and the companion's.</summary>
internal sealed class StreamPair : IDisposable
{
    private readonly IDisposable[] _owned;

    private StreamPair(Stream board, Stream companion, string? boardPath, params IDisposable[] owned)
    {
        Board = board;
        Companion = companion;
        BoardPath = boardPath;
        _owned = owned;
    }

    public Stream Board { get; }

    public Stream Companion { get; }

    /// <summary>For a pseudo-terminal: the slave's path, which the board opens as a serial port.</summary>
    public string? BoardPath { get; }

    /// <summary>Two anonymous OS pipes, one each way: an in-memory duplex through the kernel.</summary>
    public static StreamPair Pipes()
    {
        var toCompanion = new AnonymousPipeServerStream(PipeDirection.Out);
        var companionIn = new AnonymousPipeClientStream(PipeDirection.In, toCompanion.ClientSafePipeHandle);
        var toBoard = new AnonymousPipeServerStream(PipeDirection.Out);
        var boardIn = new AnonymousPipeClientStream(PipeDirection.In, toBoard.ClientSafePipeHandle);
        return new StreamPair(new DuplexStream(boardIn, toCompanion), new DuplexStream(companionIn, toBoard), null, toCompanion, companionIn, toBoard, boardIn);
    }

    /// <summary>A real pseudo-terminal (openpty, raw mode): the companion holds the master, the board opens the slave's
    /// path as a serial port. Null when this machine has no pseudo-terminals.</summary>
    public static StreamPair? PseudoTerminal()
    {
        if (!OperatingSystem.IsLinux() || Native.openpty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
        {
            return null;
        }

        // Raw mode on both ends, without knowing struct termios' layout: read it, let libc make it raw, write it back.
        foreach (var fd in new[] { master, slave })
        {
            var termios = new byte[256];
            if (Native.tcgetattr(fd, termios) != 0)
            {
                return null;
            }

            Native.cfmakeraw(termios);
            if (Native.tcsetattr(fd, 0, termios) != 0)
            {
                return null;
            }
        }

        var path = Marshal.PtrToStringAnsi(Native.ttyname(slave));
        if (path is null)
        {
            return null;
        }

        var masterStream = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.ReadWrite, bufferSize: 0);
        // The slave stays open here too, so the master never sees a hang-up while the serial port reopens it.
        var slaveHandle = new SafeFileHandle(slave, ownsHandle: true);
        return new StreamPair(Stream.Null, masterStream, path, masterStream, slaveHandle);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int openpty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr window);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int tcgetattr(int fd, byte[] termios);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int tcsetattr(int fd, int optionalActions, byte[] termios);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void cfmakeraw(byte[] termios);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern IntPtr ttyname(int fd);
    }
}
