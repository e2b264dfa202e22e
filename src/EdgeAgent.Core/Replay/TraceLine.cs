using System.Text.Json;

namespace EdgeAgent.Core.Replay;

/// <summary>
/// One reading line of a recorded trace, its envelope checked by <see cref="TraceReader"/>: when it was recorded, for
/// which sensor, of which kind, and whether the read succeeded then. The kind-specific fields are read through the
/// <c>Get...</c> methods, whose errors (and <see cref="Error"/>'s) name the file, the line and the field.
/// </summary>
public sealed class TraceLine
{
    private readonly JsonElement _fields;

    internal TraceLine(string path, int number, long timeMs, string sensor, string kind, bool valid, JsonElement fields)
    {
        Path = path;
        Number = number;
        TimeMs = timeMs;
        Sensor = sensor;
        Kind = kind;
        Valid = valid;
        _fields = fields;
    }

    /// <summary>The trace file the line is from.</summary>
    public string Path { get; }

    /// <summary>The 1-based line number in the file.</summary>
    public int Number { get; }

    /// <summary><c>t_ms</c>: milliseconds since the start of the trace.</summary>
    public long TimeMs { get; }

    /// <summary><c>sensor</c>: the sensor's id in the product profile.</summary>
    public string Sensor { get; }

    /// <summary><c>kind</c>: what the line carries (<c>motion</c>, <c>image</c>, ...).</summary>
    public string Kind { get; }

    /// <summary>False for <c>"valid":false</c>: the read failed at that moment and the line carries no reading.</summary>
    public bool Valid { get; }

    /// <summary>A required number field.</summary>
    /// <exception cref="TraceFormatException">The field is missing, null, or not a finite number.</exception>
    public double GetNumber(string name) =>
        GetOptionalNumber(name) ?? throw Error(name, "is missing (a number)");

    /// <summary>An optional number field: null when it is left out or null.</summary>
    /// <exception cref="TraceFormatException">The field is there but not a finite number.</exception>
    public double? GetOptionalNumber(string name)
    {
        if (!_fields.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble()
            : throw Error(name, $"must be a number, not {Shown(value)}");
    }

    /// <summary>A required, non-empty array of numbers.</summary>
    /// <exception cref="TraceFormatException">The field is missing, not an array, empty, or holds something else.</exception>
    public double[] GetNumbers(string name)
    {
        if (!_fields.TryGetProperty(name, out var value))
        {
            throw Error(name, "is missing (a non-empty array of numbers)");
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Error(name, $"must be a non-empty array of numbers, not {Shown(value)}");
        }

        return [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble())
            ? v.GetDouble()
            : throw Error(name, $"must hold numbers only, not {Shown(v)}"))];
    }

    /// <summary>A required, non-empty string field.</summary>
    /// <exception cref="TraceFormatException">The field is missing, or not a non-empty string.</exception>
    public string GetString(string name) => RequiredString(_fields, name, null, Error);

    /// <summary>An error about a field of this line: <c>{path}:{line}: field '{name}' {problem}</c>.</summary>
    public TraceFormatException Error(string field, string problem) => new(Path, Number, field, problem);

    /// <summary>A required non-empty string of <paramref name="line"/>; <paramref name="what"/> says what it holds.</summary>
    internal static string RequiredString(JsonElement line, string name, string? what, Func<string, string, TraceFormatException> error)
    {
        if (!line.TryGetProperty(name, out var value))
        {
            throw error(name, what is null ? "is missing (a string)" : $"is missing ({what})");
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw error(name, $"must be {what ?? "a non-empty string"}, not {Shown(value)}");
    }

    /// <summary>A value as it stands in the file, or its JSON kind when that would be long.</summary>
    internal static string Shown(JsonElement value)
    {
        const int MaxShown = 40;
        var raw = value.GetRawText();
        return raw.Length <= MaxShown ? raw : value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a long string",
            _ => value.ValueKind.ToString().ToLowerInvariant(),
        };
    }
}
