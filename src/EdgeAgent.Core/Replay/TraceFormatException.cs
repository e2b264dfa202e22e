namespace EdgeAgent.Core.Replay;

/// <summary>
/// A line of a recorded trace (<c>hardware/TRACES.md</c>) that cannot be replayed. The message is
/// <c>{path}:{line}: field '{field}' {problem}</c>, or <c>{path}:{line}: {problem}</c> when the line is not a JSON object
/// at all; <see cref="Path"/>, <see cref="Line"/> and <see cref="Field"/> carry the same for callers that report them apart.
/// </summary>
public sealed class TraceFormatException : FormatException
{
    /// <param name="path">The trace file, as it was given to the reader.</param>
    /// <param name="line">The 1-based line number.</param>
    /// <param name="field">The field at fault; null when the line as a whole is (not JSON, not an object).</param>
    /// <param name="problem">What is wrong, worded to follow the field's name (e.g. <c>is missing (a number)</c>).</param>
    public TraceFormatException(string path, int line, string? field, string problem)
        : base(field is null ? $"{path}:{line}: {problem}" : $"{path}:{line}: field '{field}' {problem}")
    {
        Path = path;
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

    /// <summary>The trace file, as it was given to the reader.</summary>
    public string Path { get; } = "";

    /// <summary>The 1-based line number.</summary>
    public int Line { get; }

    /// <summary>The field at fault; null when the line as a whole is.</summary>
    public string? Field { get; }
}
