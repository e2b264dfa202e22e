using System.Text.Json;

namespace EdgeAgent.Core.Replay;

/// <summary>
/// Reads a recorded trace (format <c>ea/v1/trace</c>, <c>hardware/TRACES.md</c>) forward and hands back one sensor's
/// lines. The trace is JSON Lines: an optional header <c>{"trace":"ea/v1/trace",...}</c> as the first line, then one
/// object a reading with <c>t_ms</c>, <c>sensor</c> and <c>kind</c>. The envelope of every line is checked, other
/// sensors' lines too (an object; <c>t_ms</c> whole milliseconds, 0 or more, never decreasing down the file;
/// <c>sensor</c> and <c>kind</c> non-empty strings; <c>valid</c>, if there, true or false); the chosen sensor's lines
/// must have the expected kind. Blank lines are skipped. The file is streamed: a day's trace is never held in memory.
/// A bad line is a <see cref="TraceFormatException"/> naming the file, the line and the field.
/// </summary>
public sealed class TraceReader : IDisposable
{
    /// <summary>The format id a header line carries in its <c>trace</c> field.</summary>
    public const string FormatId = "ea/v1/trace";

    private readonly StreamReader _reader;
    private readonly string _sensor;
    private readonly string _kind;
    private int _line;
    private bool _readAny;
    private long _lastTime = -1;
    private int _lastTimeLine;

    /// <param name="path">The trace file.</param>
    /// <param name="sensor">The sensor whose lines <see cref="Next"/> returns (its id in the product profile).</param>
    /// <param name="kind">The kind that sensor's lines must carry (e.g. <c>motion</c>, <c>image</c>).</param>
    /// <exception cref="FileNotFoundException">There is no such file (or folder).</exception>
    public TraceReader(string path, string sensor, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(sensor);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        Path = path;
        _sensor = sensor;
        _kind = kind;
        try
        {
            _reader = new StreamReader(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such trace file (a recorded trace, hardware/TRACES.md)", path, e);
        }
    }

    /// <summary>The trace file, as given.</summary>
    public string Path { get; }

    /// <summary>The next line of the sensor (failed reads included, <see cref="TraceLine.Valid"/> false), or null at the end.</summary>
    /// <exception cref="TraceFormatException">A line up to and including the returned one is bad.</exception>
    public TraceLine? Next()
    {
        while (_reader.ReadLine() is { } text)
        {
            _line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var first = !_readAny;
            _readAny = true;
            using var document = Parse(text);
            var root = document.RootElement;
            if (root.TryGetProperty("trace", out var format))
            {
                CheckHeader(format, first);
                continue;
            }

            var time = Time(root);
            var sensor = TraceLine.RequiredString(root, "sensor", "the sensor's id in the product profile, a non-empty string", Error);
            var kind = TraceLine.RequiredString(root, "kind", "what the line carries, a non-empty string such as \"motion\"", Error);
            var valid = Valid(root);
            if (!string.Equals(sensor, _sensor, StringComparison.Ordinal))
            {
                continue;
            }

            if (!string.Equals(kind, _kind, StringComparison.Ordinal))
            {
                throw Error("kind", $"of sensor '{_sensor}' must be \"{_kind}\", not \"{kind}\"");
            }

            return new TraceLine(Path, _line, time, sensor, kind, valid, root.Clone());
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();

    private TraceFormatException Error(string? field, string problem) => new(Path, _line, field, problem);

    private JsonDocument Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Error(null, $"the line is not JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var shown = TraceLine.Shown(document.RootElement);
            document.Dispose();
            throw Error(null, $"the line must be a JSON object, not {shown}");
        }

        return document;
    }

    private void CheckHeader(JsonElement format, bool first)
    {
        if (!first)
        {
            throw Error("trace", "marks the header line, which may only be the first line");
        }

        if (format.ValueKind != JsonValueKind.String || format.GetString() != FormatId)
        {
            throw Error("trace", $"must be \"{FormatId}\", not {TraceLine.Shown(format)}");
        }
    }

    private long Time(JsonElement root)
    {
        const string Whole = "whole milliseconds since the trace start, 0 or more";
        if (!root.TryGetProperty("t_ms", out var t))
        {
            throw Error("t_ms", $"is missing ({Whole})");
        }

        if (t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out var ms) || ms < 0)
        {
            throw Error("t_ms", $"must be {Whole}, not {TraceLine.Shown(t)}");
        }

        if (ms < _lastTime)
        {
            throw Error("t_ms", $"must not decrease down the file, not {ms} after {_lastTime} on line {_lastTimeLine}");
        }

        _lastTime = ms;
        _lastTimeLine = _line;
        return ms;
    }

    private bool Valid(JsonElement root)
    {
        if (!root.TryGetProperty("valid", out var v))
        {
            return true;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error("valid", $"must be true or false, not {TraceLine.Shown(v)}"),
        };
    }
}
