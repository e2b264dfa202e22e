using System.Globalization;

namespace EdgeAgent.Hub.Cli;

/// <summary>A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and pipes stay clean).</summary>
internal sealed class ConsoleProgress(TextWriter error, string unit) : IProgress<(int Done, int Total)>
{
    private const int Width = 30;
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private int _drawn = -1;

    public void Report((int Done, int Total) value)
    {
        if (!_terminal || value.Total <= 0)
        {
            return;
        }

        var filled = (int)((long)Width * value.Done / value.Total);
        if (filled == _drawn && value.Done != value.Total)
        {
            return;
        }

        _drawn = filled;
        error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Done}/{value.Total} {unit}"));
        error.Flush();
    }

    /// <summary>Ends the bar's line.</summary>
    public void Done()
    {
        if (_terminal && _drawn >= 0)
        {
            error.WriteLine();
        }
    }
}
