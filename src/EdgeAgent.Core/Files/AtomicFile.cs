using System.Text;

namespace EdgeAgent.Core.Files;

/// <summary>
/// Replaces a small file whole: the content goes to <c>path.tmp</c> (created with its final mode, so a key is never
/// readable by others even for a moment), is flushed to the disk, and is then renamed over <c>path</c>. A crash or a
/// power cut at any point leaves either the old file or the new one, never a torn or empty one; a stale <c>.tmp</c> is
/// overwritten by the next write. The rename's directory entry is left to the filesystem's journal (ext4, f2fs): after
/// a power cut it may be the old file that is found, which every caller here can live with (it is re-derived or
/// re-written at the next start).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteText(string path, string content, UnixFileMode? mode = null, bool flushToDisk = true) =>
        Write(path, Encoding.UTF8.GetBytes(content), mode, flushToDisk);

    /// <param name="path">The file to replace; its directory is created if missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="mode">The Unix mode the file is created with; null for the process's default (umask).</param>
    /// <param name="flushToDisk">False only for files that are never evidence and are rewritten often (the status file),
    /// where an fsync per write would cost flash wear for nothing.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null, bool flushToDisk = true)
    {
        var temp = Prepare(path, mode, out var options);
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <inheritdoc cref="Write"/>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken, UnixFileMode? mode = null, bool flushToDisk = true)
    {
        var temp = Prepare(path, mode, out var options);
        options.Options = FileOptions.Asynchronous;
        var stream = new FileStream(temp, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <inheritdoc cref="WriteText"/>
    public static Task WriteTextAsync(string path, string content, CancellationToken cancellationToken, UnixFileMode? mode = null, bool flushToDisk = true) =>
        WriteAsync(path, Encoding.UTF8.GetBytes(content), cancellationToken, mode, flushToDisk);

    private static string Prepare(string path, UnixFileMode? mode, out FileStreamOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = m;
        }

        var temp = full + ".tmp";
        // FileMode.Create keeps an existing file's mode: a stale temporary from a crash must not lend the key its mode.
        File.Delete(temp);
        return temp;
    }
}
