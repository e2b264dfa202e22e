using EdgeAgent.Core.Replay;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Core.Tests.Replay;

/// <summary>The trace envelope (hardware/TRACES.md) as both the sensor and the media replays read it.</summary>
public sealed class TraceReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Next_ReturnsTheSensorsLinesInOrder_SkippingTheHeaderBlankLinesAndOtherSensors()
    {
        var path = Trace(
            "",
            """{"trace":"ea/v1/trace","product":"drone","note":"a header after a blank line is still the first line"}""",
            """{"t_ms":0,"sensor":"env","kind":"environment","temp_c":21.5}""",
            """{"t_ms":0,"sensor":"camera","kind":"image","file":"frames/0001.jpg"}""",
            "   ",
            """{"t_ms":40,"sensor":"env","kind":"environment","valid":false}""",
            """{"t_ms":40,"sensor":"env","kind":"environment","valid":true,"temp_c":22}""");
        using var reader = new TraceReader(path, "env", "environment");

        var first = reader.Next()!;
        var failed = reader.Next()!;
        var last = reader.Next()!;

        Assert.Equal((path, 3, 0L, "env", "environment", true), (first.Path, first.Number, first.TimeMs, first.Sensor, first.Kind, first.Valid));
        Assert.Equal(21.5, first.GetNumber("temp_c"));
        Assert.Equal((6, 40L, false), (failed.Number, failed.TimeMs, failed.Valid));
        Assert.Equal((7, 40L, true), (last.Number, last.TimeMs, last.Valid));
        Assert.Equal(22, last.GetNumber("temp_c"));
        Assert.Null(reader.Next());
        Assert.Null(reader.Next());
    }

    [Fact]
    public void Next_ChecksEachLineWhenItGetsThere_SoATraceStreams()
    {
        var path = Trace(
            """{"t_ms":0,"sensor":"imu","kind":"motion"}""",
            """{"t_ms":10,"sensor":"imu","kind":"motion"}""",
            "not json");
        using var reader = new TraceReader(path, "imu", "motion");

        Assert.Equal(1, reader.Next()!.Number);
        Assert.Equal(2, reader.Next()!.Number);
        var e = Assert.Throws<TraceFormatException>(() => reader.Next());
        Assert.Equal((path, 3, (string?)null), (e.Path, e.Line, e.Field));
    }

    public static TheoryData<string, int, string?, string> BadLines() => new()
    {
        { "{not json", 1, null, "the line is not JSON: " },
        { "[1,2]", 1, null, "the line must be a JSON object, not [1,2]" },
        { "\"a string\"", 1, null, "the line must be a JSON object, not \"a string\"" },
        { """{"trace":"ea/v2/trace"}""", 1, "trace", "must be \"ea/v1/trace\", not \"ea/v2/trace\"" },
        { """{"trace":1}""", 1, "trace", "must be \"ea/v1/trace\", not 1" },
        { """{"t_ms":0,"sensor":"cam","kind":"image"}""" + "\n" + """{"trace":"ea/v1/trace"}""", 2, "trace", "marks the header line, which may only be the first line" },
        { """{"trace":"ea/v1/trace"}""" + "\n" + """{"trace":"ea/v1/trace"}""", 2, "trace", "marks the header line, which may only be the first line" },
        { """{"sensor":"imu","kind":"motion"}""", 1, "t_ms", "is missing (whole milliseconds since the trace start, 0 or more)" },
        { """{"t_ms":"40","sensor":"imu","kind":"motion"}""", 1, "t_ms", "must be whole milliseconds since the trace start, 0 or more, not \"40\"" },
        { """{"t_ms":-1,"sensor":"imu","kind":"motion"}""", 1, "t_ms", "must be whole milliseconds since the trace start, 0 or more, not -1" },
        { """{"t_ms":12.5,"sensor":"imu","kind":"motion"}""", 1, "t_ms", "must be whole milliseconds since the trace start, 0 or more, not 12.5" },
        { """{"t_ms":2000,"sensor":"cam","kind":"image"}""" + "\n\n" + """{"t_ms":1000,"sensor":"imu","kind":"motion"}""", 3, "t_ms", "must not decrease down the file, not 1000 after 2000 on line 1" },
        { """{"t_ms":0,"kind":"motion"}""", 1, "sensor", "is missing (the sensor's id in the product profile, a non-empty string)" },
        { """{"t_ms":0,"sensor":"","kind":"motion"}""", 1, "sensor", "must be the sensor's id in the product profile, a non-empty string, not \"\"" },
        { """{"t_ms":0,"sensor":"cam"}""", 1, "kind", "is missing (what the line carries, a non-empty string such as \"motion\")" },
        { """{"t_ms":0,"sensor":"cam","kind":["image"]}""", 1, "kind", "must be what the line carries, a non-empty string such as \"motion\", not [\"image\"]" },
        { """{"t_ms":0,"sensor":"imu","kind":"environment"}""", 1, "kind", "of sensor 'imu' must be \"motion\", not \"environment\"" },
        { """{"t_ms":0,"sensor":"cam","kind":"image","valid":"no"}""", 1, "valid", "must be true or false, not \"no\"" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Next_BadLine_NamesTheFileTheLineAndTheField(string text, int line, string? field, string problem)
    {
        var path = Trace(text);
        using var reader = new TraceReader(path, "imu", "motion");

        var e = Assert.Throws<TraceFormatException>(() => reader.Next());

        Assert.Equal((path, line, field), (e.Path, e.Line, e.Field));
        Assert.StartsWith(field is null ? $"{path}:{line}: {problem}" : $"{path}:{line}: field '{field}' {problem}", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadFields() => new()
    {
        { "number", "field 'x' is missing (a number)" },
        { "number:\"warm\"", "field 'x' must be a number, not \"warm\"" },
        { "optional:true", "field 'x' must be a number, not true" },
        { "numbers", "field 'x' is missing (a non-empty array of numbers)" },
        { "numbers:[]", "field 'x' must be a non-empty array of numbers, not []" },
        { "numbers:3", "field 'x' must be a non-empty array of numbers, not 3" },
        { "numbers:[1,\"2\"]", "field 'x' must hold numbers only, not \"2\"" },
        { "string", "field 'x' is missing (a string)" },
        { "string:\"\"", "field 'x' must be a non-empty string, not \"\"" },
        { "string:{\"a\":\"a value long enough to be shown by kind\"}", "field 'x' must be a non-empty string, not an object" },
    };

    /// <summary><paramref name="call"/> is the accessor and, after a colon, the JSON value of field x (left out if none).</summary>
    [Theory]
    [MemberData(nameof(BadFields))]
    public void Get_BadField_NamesTheFileTheLineAndTheField(string call, string expected)
    {
        var parts = call.Split(':', 2);
        var x = parts.Length == 2 ? $",\"x\":{parts[1]}" : "";
        var path = Trace("{\"trace\":\"ea/v1/trace\"}", $$"""{"t_ms":5,"sensor":"s","kind":"k"{{x}}}""");
        using var reader = new TraceReader(path, "s", "k");
        var line = reader.Next()!;

        var e = Assert.Throws<TraceFormatException>(() => _ = parts[0] switch
        {
            "number" => line.GetNumber("x"),
            "optional" => line.GetOptionalNumber("x"),
            "numbers" => line.GetNumbers("x"),
            _ => (object)line.GetString("x"),
        });

        Assert.Equal($"{path}:2: {expected}", e.Message);
        Assert.Equal((path, 2, "x"), (e.Path, e.Line, e.Field));
    }

    [Fact]
    public void Get_GoodFields_ReadTheirValues_AndAnOptionalNumberLeftOutOrNullIsNull()
    {
        var path = Trace("""{"t_ms":5,"sensor":"s","kind":"k","n":-1.25,"none":null,"list":[0,0.5,1],"file":"a.wav"}""");
        using var reader = new TraceReader(path, "s", "k");
        var line = reader.Next()!;

        Assert.Equal(-1.25, line.GetNumber("n"));
        Assert.Null(line.GetOptionalNumber("none"));
        Assert.Null(line.GetOptionalNumber("absent"));
        Assert.Equal([0, 0.5, 1], line.GetNumbers("list"));
        Assert.Equal("a.wav", line.GetString("file"));
        Assert.Equal($"{path}:1: field 'n' must be 0 or more", line.Error("n", "must be 0 or more").Message);
    }

    [Fact]
    public void Constructor_MissingFile_SaysItIsNoTraceFile()
    {
        var path = _dir.Combine("gone", "trace.jsonl");

        var e = Assert.Throws<FileNotFoundException>(() => new TraceReader(path, "imu", "motion"));

        Assert.Equal($"{path}: no such trace file (a recorded trace, hardware/TRACES.md)", e.Message);
        Assert.Equal(path, e.FileName);
    }

    private string Trace(params string[] lines)
    {
        var path = _dir.Combine("trace.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}
