using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Sim.Hosting;

/// <summary>
/// The devices' log: ten thousand ledgers and publishers would drown a terminal, so warnings and errors are counted per
/// category and event, and only the first few of each are written out (with the count in the summary).
/// </summary>
internal sealed class TallyLoggerProvider(TextWriter output, int shownPerEvent = 3) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly TextWriter _output = output;
    private readonly int _shown = shownPerEvent;

    /// <summary>Warnings and errors per "level category event-name".</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    public long Errors => _counts.Where(c => c.Key.StartsWith("Error", StringComparison.Ordinal) || c.Key.StartsWith("Critical", StringComparison.Ordinal)).Sum(c => c.Value);

    public ILogger CreateLogger(string categoryName) => new Tally(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Tally(TallyLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var key = $"{logLevel} {category} {eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            if (owner._counts.AddOrUpdate(key, 1, (_, n) => n + 1) <= owner._shown)
            {
                lock (owner)
                {
                    owner._output.WriteLine($"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
                }
            }
        }
    }
}
