using System.Text.Json;
using EdgeAgent.Core.Files;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Device.Updates;

/// <summary>
/// The update journal in <c>{state}/update-journal.json</c>: written to a temporary file, flushed to disk (fsync), then
/// renamed over the old one, so a power cut leaves either the old journal or the new one, never a torn one.
/// </summary>
internal sealed class FileUpdateJournalStore(string path) : IUpdateJournalStore
{
    public string Path { get; } = path;

    /// <exception cref="IOException">The journal exists but is not one (the message names the file).</exception>
    public UpdateJournal Load()
    {
        if (!File.Exists(Path))
        {
            return new UpdateJournal();
        }

        try
        {
            return UpdateJournal.Parse(File.ReadAllBytes(Path));
        }
        catch (JsonException e)
        {
            throw new IOException($"{Path} is not an update journal: {e.Message}", e);
        }
    }

    public async Task SaveAsync(UpdateJournal journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        await AtomicFile.WriteAsync(Path, journal.ToJson(), cancellationToken).ConfigureAwait(false);
    }
}
