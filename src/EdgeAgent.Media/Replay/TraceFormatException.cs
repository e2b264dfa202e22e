namespace EdgeAgent.Media.Replay;

/// <summary>A line of a recorded trace that cannot be replayed: names the trace file, the line number and the field.</summary>
public sealed class TraceFormatException : Exception
{
    public TraceFormatException(string file, int line, string? field, string problem)
        : base($"{file} line {line}{(field is null ? "" : $", field {field}")}: {problem}")
    {
        File = file;
        Line = line;
        Field = field;
    }

    public TraceFormatException()
    {
    }

    public TraceFormatException(string message)
        : base(message)
    {
    }

    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string File { get; } = "";

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>The field at fault; null when the line is not a JSON object at all.</summary>
    public string? Field { get; }
}
