namespace EdgeAgent.Hardware.Replay;

/// <summary>A line of a recorded trace that cannot be replayed: the message names the file, the line and the field.</summary>
public sealed class TraceFormatException : FormatException
{
    public TraceFormatException(string path, int line, string message)
        : base($"{path}:{line}: {message}")
    {
    }

    public TraceFormatException()
    {
    }

    public TraceFormatException(string message) : base(message)
    {
    }

    public TraceFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
