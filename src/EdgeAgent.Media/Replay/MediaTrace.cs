using System.Globalization;
using System.Text.Json;
using EdgeAgent.Core.Media;

namespace EdgeAgent.Media.Replay;

/// <summary>One media line of a trace: when it was recorded and the file that holds it (an absolute path).</summary>
internal readonly record struct MediaTraceEntry(TimeSpan At, string File, int Line);

/// <summary>
/// Reads a recorded trace (format <c>ea/v1/trace</c>: JSON Lines, an optional header object on the first line, then one
/// object per reading with <c>t_ms</c>, <c>sensor</c> and <c>kind</c>) and picks out one sensor's media lines. Every line
/// is checked (t_ms present, a number, not negative, not before the previous line's; sensor and kind strings); the
/// chosen sensor's lines must have the expected kind and a <c>file</c> that exists, relative to the trace's folder or
/// absolute. Other sensors' fields beyond these are theirs to check.
/// </summary>
internal static class MediaTrace
{
    public const string Format = "ea/v1/trace";

    public static IReadOnlyList<MediaTraceEntry> Read(string tracePath, string sensor, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(tracePath);
        ArgumentException.ThrowIfNullOrEmpty(sensor);
        string[] lines;
        try
        {
            lines = System.IO.File.ReadAllLines(tracePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MediaFormatException(tracePath, "does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaFormatException(tracePath, $"cannot be read: {e.Message}", e);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(tracePath))!;
        var entries = new List<MediaTraceEntry>();
        double previous = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            using var document = Parse(tracePath, number, lines[i]);
            var line = document.RootElement;
            if (line.TryGetProperty("trace", out var header))
            {
                CheckHeader(tracePath, number, i, header);
                continue;
            }

            var at = Milliseconds(tracePath, number, line, previous);
            previous = at;
            var lineSensor = RequiredString(tracePath, number, line, "sensor");
            var lineKind = RequiredString(tracePath, number, line, "kind");
            if (lineSensor != sensor)
            {
                continue;
            }

            if (lineKind != kind)
            {
                throw new TraceFormatException(tracePath, number, "kind",
                    $"sensor {sensor}'s lines are replayed as {kind}, but this one is '{lineKind}'");
            }

            var file = RequiredString(tracePath, number, line, "file");
            var path = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(folder, file));
            if (!System.IO.File.Exists(path))
            {
                throw new TraceFormatException(tracePath, number, "file", $"{file} does not exist (looked for {path})");
            }

            entries.Add(new MediaTraceEntry(TimeSpan.FromMilliseconds(at), path, number));
        }

        return entries;
    }

    private static JsonDocument Parse(string tracePath, int number, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new TraceFormatException(tracePath, number, null, $"is not a JSON object: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new TraceFormatException(tracePath, number, null, $"is a JSON {kind.ToString().ToLowerInvariant()}, not an object");
        }

        return document;
    }

    private static void CheckHeader(string tracePath, int number, int index, JsonElement header)
    {
        if (index != 0)
        {
            throw new TraceFormatException(tracePath, number, "trace", "a header line is allowed on the first line only");
        }

        if (header.ValueKind != JsonValueKind.String || header.GetString() != Format)
        {
            throw new TraceFormatException(tracePath, number, "trace", $"is {header.GetRawText()}; this replay reads \"{Format}\"");
        }
    }

    private static double Milliseconds(string tracePath, int number, JsonElement line, double previous)
    {
        if (!line.TryGetProperty("t_ms", out var value))
        {
            throw new TraceFormatException(tracePath, number, "t_ms", "is missing (milliseconds since the trace start)");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var ms) || !double.IsFinite(ms))
        {
            throw new TraceFormatException(tracePath, number, "t_ms", $"is {value.GetRawText()}, not a number of milliseconds");
        }

        if (ms < 0)
        {
            throw new TraceFormatException(tracePath, number, "t_ms", $"is {ms.ToString(CultureInfo.InvariantCulture)}; it cannot be negative");
        }

        if (ms < previous)
        {
            throw new TraceFormatException(tracePath, number, "t_ms",
                $"is {ms.ToString(CultureInfo.InvariantCulture)}, before the previous line's {previous.ToString(CultureInfo.InvariantCulture)} (t_ms must not decrease)");
        }

        return ms;
    }

    private static string RequiredString(string tracePath, int number, JsonElement line, string field)
    {
        if (!line.TryGetProperty(field, out var value))
        {
            throw new TraceFormatException(tracePath, number, field, "is missing");
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new TraceFormatException(tracePath, number, field, $"is {value.GetRawText()}, not a non-empty string");
    }
}
