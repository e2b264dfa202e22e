namespace EdgeAgent.Core.Media;

/// <summary>An input file that cannot be used: missing, unreadable, truncated, or not a supported format. Exit code 2.</summary>
public sealed class MediaFormatException : Exception
{
    public MediaFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    public MediaFormatException(string file, string problem, Exception inner)
        : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    public MediaFormatException()
    {
    }

    public MediaFormatException(string message)
        : base(message)
    {
    }

    public MediaFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string File { get; } = "";
}
