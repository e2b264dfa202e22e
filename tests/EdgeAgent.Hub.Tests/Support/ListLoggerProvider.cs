using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>Collects every log entry of a hub under test, so a test fails if an Error was logged.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId Id, string Category, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AssertNoErrors()
    {
        var errors = Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}[{e.Id.Id}]: {e.Message}").ToList();
        Assert.True(errors.Count == 0, "errors were logged: " + string.Join(" | ", errors));
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, eventId, category, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
    }
}
