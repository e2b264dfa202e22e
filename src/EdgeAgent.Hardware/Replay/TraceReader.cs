using System.Text.Json;

namespace EdgeAgent.Hardware.Replay;

/// <summary>One line of a trace for one sensor: when it was recorded and its fields (null when the read failed then).</summary>
public sealed record TraceLine(int LineNumber, long TimeMs, JsonElement? Fields);

/// <summary>
/// Reads a recorded trace (JSON Lines, <c>hardware/TRACES.md</c>) forward, one sensor's lines at a time: each line is
/// <c>{"t_ms":..,"sensor":..,"kind":..,...}</c>, an optional first line <c>{"trace":"ea/v1/trace",...}</c> is the header.
/// Lines of other sensors are skipped; <c>t_ms</c> must not go backwards within the file. Streams: a day's trace is
/// never held in memory.
/// </summary>
public sealed class TraceReader : IDisposable
{
    public const string FormatId = "ea/v1/trace";

    private readonly StreamReader _reader;
    private readonly string _sensor;
    private readonly string _kind;
    private int _line;
    private long _lastTime = -1;

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

    public string Path { get; }

    /// <summary>The next line of this sensor, or null at the end of the trace.</summary>
    public TraceLine? Next()
    {
        while (_reader.ReadLine() is { } text)
        {
            _line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            using var doc = Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error("a trace line must be a JSON object");
            }

            if (root.TryGetProperty("trace", out var format))
            {
                if (_line != 1 && _lastTime >= 0)
                {
                    throw Error("the header line {\"trace\":...} may only be the first line");
                }

                if (format.ValueKind != JsonValueKind.String || format.GetString() != FormatId)
                {
                    throw Error($"field 'trace' must be \"{FormatId}\"");
                }

                continue;
            }

            var time = root.TryGetProperty("t_ms", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var ms) && ms >= 0
                ? ms
                : throw Error("field 't_ms' must be a whole number of milliseconds since the trace start, 0 or more");
            if (time < _lastTime)
            {
                throw Error($"field 't_ms' {time} goes backwards (the line before was at {_lastTime})");
            }

            _lastTime = time;
            var sensor = root.TryGetProperty("sensor", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()!
                : throw Error("field 'sensor' must be the sensor id of the product profile, e.g. \"imu\"");
            if (!string.Equals(sensor, _sensor, StringComparison.Ordinal))
            {
                continue;
            }

            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (!string.Equals(kind, _kind, StringComparison.Ordinal))
            {
                throw Error($"field 'kind' of sensor '{_sensor}' must be \"{_kind}\" (found {(kind is null ? "none" : $"\"{kind}\"")})");
            }

            var valid = !root.TryGetProperty("valid", out var v) || v.ValueKind != JsonValueKind.False;
            return new TraceLine(_line, time, valid ? root.Clone() : null);
        }

        return null;
    }

    /// <summary>An error about the line just read, naming the file and the line.</summary>
    public TraceFormatException Error(string message) => new(Path, _line, message);

    public void Dispose() => _reader.Dispose();

    private JsonDocument Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Error($"not JSON: {e.Message}");
        }
    }
}
