using EdgeAgent.Core.Replay;

namespace EdgeAgent.Media.Replay;

/// <summary>One media line of a trace: when it was recorded and the file that holds it (an absolute path).</summary>
internal readonly record struct MediaTraceEntry(TimeSpan At, string File, int Line);

/// <summary>
/// Picks one sensor's media lines out of a recorded trace, read (envelope and all) by Core's <see cref="TraceReader"/>:
/// each valid line of the sensor needs a <c>file</c> that exists, relative to the trace's folder or absolute. A
/// <c>"valid":false</c> line (nothing captured then) delivers nothing. The whole trace is read and checked here, so a
/// bad one stops the program when the source is made.
/// </summary>
internal static class MediaTrace
{
    public static IReadOnlyList<MediaTraceEntry> Read(string tracePath, string sensor, string kind)
    {
        using var trace = new TraceReader(tracePath, sensor, kind);
        var folder = Path.GetDirectoryName(Path.GetFullPath(tracePath))!;
        var entries = new List<MediaTraceEntry>();
        while (trace.Next() is { } line)
        {
            if (!line.Valid)
            {
                continue;
            }

            var file = line.GetString("file");
            var path = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(folder, file));
            if (!System.IO.File.Exists(path))
            {
                throw line.Error("file", $"names {file}, which does not exist (looked for {path})");
            }

            entries.Add(new MediaTraceEntry(TimeSpan.FromMilliseconds(line.TimeMs), path, line.Number));
        }

        return entries;
    }
}
