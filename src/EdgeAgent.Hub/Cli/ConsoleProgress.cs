namespace EdgeAgent.Hub.Cli;

/// <summary>A progress bar on stderr for long CLI runs (reports, exports); drawn only when stderr is a terminal.</summary>
internal sealed class ConsoleProgress(TextWriter error, string what) : IProgress<(int Done, int Total)>
{
    private const int Width = 30;
    private int _drawn = -1;

    /// <summary>The bar for <paramref name="error"/> when it is the terminal's stderr, else null (nothing drawn into files or pipes).</summary>
    public static ConsoleProgress? For(TextWriter error, string what) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ConsoleProgress(error, what) : null;

    public void Report((int Done, int Total) value)
    {
        var (done, total) = value;
        var filled = total == 0 ? Width : done * Width / total;
        if (filled == _drawn && done != total)
        {
            return;
        }

        _drawn = filled;
        error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} {what}");
        if (done == total)
        {
            error.WriteLine();
        }
    }
}
