using EdgeAgent.Core.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Storage.Outbox;

/// <summary>Opens the device's durable outbox: one SQLite file (WAL, synchronous=FULL, group commit).</summary>
public static class SqliteOutboxFactory
{
    /// <summary>
    /// Opens (or creates) the outbox at <paramref name="path"/> and starts its writer loop; dispose the result to stop
    /// it. Budgets are taken as given: <see cref="OutboxOptions"/>' data annotations are checked at host start.
    /// </summary>
    /// <exception cref="IOException">
    /// The file is not an outbox database (or a corrupt one), was written by a newer schema, is held by another process,
    /// or SQLite failed; the message names the file.
    /// </exception>
    public static Task<IOutbox> OpenAsync(string path, OutboxOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBytes, "options.MaxBytes");
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTelemetryBytes, "options.MaxTelemetryBytes");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxTelemetryAge, TimeSpan.Zero, "options.MaxTelemetryAge");

        var fullPath = Path.GetFullPath(path);
        return Task.Run(() => (IOutbox)SqliteOutbox.Open(fullPath, options, time, logger), cancellationToken);
    }
}
