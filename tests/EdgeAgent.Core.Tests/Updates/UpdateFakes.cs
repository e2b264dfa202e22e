using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Core.Tests.Updates;

/// <summary>The process "dies" here: thrown by a fake after the journal was persisted.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The journal kept as bytes (every save round-trips through JSON, as the file does). It can "crash" right after it
/// persisted a given state for the first time, and tests wait on it for a state instead of sleeping.
/// </summary>
internal sealed class MemoryJournalStore : IUpdateJournalStore
{
    private readonly Lock _gate = new();
    private readonly List<(Func<UpdateJournal, bool> Until, TaskCompletionSource<UpdateJournal> Done)> _waiters = [];
    private byte[]? _bytes;

    public UpdateState? CrashAfter { get; set; }

    public int Saves { get; private set; }

    public UpdateJournal Load()
    {
        lock (_gate)
        {
            return _bytes is null ? new UpdateJournal() : UpdateJournal.Parse(_bytes);
        }
    }

    public Task SaveAsync(UpdateJournal journal, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _bytes = journal.ToJson();
            Saves++;
            var saved = UpdateJournal.Parse(_bytes);
            foreach (var w in _waiters.Where(w => w.Until(saved)).ToList())
            {
                w.Done.TrySetResult(saved);
                _waiters.Remove(w);
            }

            if (CrashAfter == journal.State)
            {
                CrashAfter = null;
                throw new SimulatedCrashException($"simulated crash after persisting {journal.State}");
            }
        }

        return Task.CompletedTask;
    }

    public Task<UpdateJournal> WaitForAsync(Func<UpdateJournal, bool> until)
    {
        lock (_gate)
        {
            var current = _bytes is null ? new UpdateJournal() : UpdateJournal.Parse(_bytes);
            if (until(current))
            {
                return Task.FromResult(current);
            }

            var done = new TaskCompletionSource<UpdateJournal>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((until, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

/// <summary>Serves bytes by URL; can fail with a reason, or serve other bytes than the release's.</summary>
internal sealed class FakeDownloader : IArtifactDownloader, IReleaseFetcher
{
    public Task<byte[]> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        Requests.Add(new DownloadRequest(url, "", maxBytes, null));
        return Files.TryGetValue(url.ToString(), out var bytes) ? Task.FromResult(bytes) : throw new DownloadException(UpdateFailures.Download, $"{url}: 404");
    }

    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public string? FailReason { get; set; }

    public List<DownloadRequest> Requests { get; } = [];

    public async Task DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        if (FailReason is { } reason)
        {
            throw new DownloadException(reason, $"{request.Url}: {reason} (injected)");
        }

        if (!Files.TryGetValue(request.Url.ToString(), out var bytes))
        {
            throw new DownloadException(UpdateFailures.Download, $"{request.Url}: 404");
        }

        await File.WriteAllBytesAsync(request.Destination, bytes, cancellationToken);
        progress?.Report(new DownloadProgress(bytes.Length, request.ExpectedSize, 1));
    }
}

/// <summary>
/// The models in service, without ONNX: one model whose version is an entry (the SHA-256 says which); each version's
/// window is filled with scripted calls when it is put into service, so probation has figures at once.
/// </summary>
internal sealed class FakeUpdateHost : IUpdateHost
{
    private readonly Dictionary<string, ModelEntry> _entries = new(StringComparer.Ordinal);

    public FakeUpdateHost(ModelEntry serving)
    {
        Current = serving;
        Window = NewWindow(serving.Sha256);
    }

    public ModelEntry Current { get; private set; }

    public CallWindow Window { get; private set; }

    /// <summary>Calls each version makes in its window, by SHA-256: (latency ms, failed, mean of output 0).</summary>
    public Dictionary<string, (double Ms, bool Failed, double Mean)[]> Script { get; } = new(StringComparer.Ordinal);

    public bool FailStage { get; set; }

    public bool FailActivate { get; set; }

    public int FailRestores { get; set; }

    public List<string> Restored { get; } = [];

    public List<string> SignatureProblems { get; } = [];

    /// <summary>The entries of versions this host can load, by SHA-256 (the catalog pin and the releases).</summary>
    public void Knows(ModelEntry entry) => _entries[entry.Sha256] = entry;

    public ModelEntry? Serving(string model) => model == Current.Name ? Current : null;

    public IReadOnlyList<string> FileSignatureProblems(ModelEntry entry, string artifactPath) => SignatureProblems;

    public Task<IStagedRelease> StageAsync(ReleaseManifest manifest, string artifactPath, CancellationToken cancellationToken)
    {
        if (FailStage)
        {
            throw new ModelRefusedException(manifest.Name, ["self-test output 'y' mean is 0.9; expected 0.3 (injected)"]);
        }

        _entries[manifest.Sha256] = manifest.Entry;
        return Task.FromResult<IStagedRelease>(new Staged(new ReleaseRef { Name = manifest.Name, Version = manifest.Version, Sha256 = manifest.Sha256 }));
    }

    public CallFigures? Baseline(string model) => Window.Figures;

    public CallWindow Activate(IStagedRelease staged)
    {
        if (FailActivate)
        {
            throw new InvalidOperationException("the swap failed (injected)");
        }

        PutInService(staged.Release.Sha256);
        return Window;
    }

    public CallWindow? Window0(string model) => Serving(model) is null ? null : Window;

    CallWindow? IUpdateHost.Window(string model) => Window0(model);

    public Task RestoreAsync(ReleaseRef target, CancellationToken cancellationToken)
    {
        if (FailRestores > 0)
        {
            FailRestores--;
            throw new IOException("restore failed (injected)");
        }

        Restored.Add(target.Sha256);
        if (Current.Sha256 != target.Sha256)
        {
            PutInService(target.Sha256);
        }

        return Task.CompletedTask;
    }

    public void PutInService(string sha256)
    {
        Current = _entries[sha256];
        Window = NewWindow(sha256);
    }

    private CallWindow NewWindow(string sha256)
    {
        var window = new CallWindow();
        if (Script.TryGetValue(sha256, out var calls))
        {
            foreach (var (ms, failed, mean) in calls)
            {
                if (failed)
                {
                    window.RecordFailure();
                }
                else
                {
                    window.RecordCall(TimeSpan.FromMilliseconds(ms), mean);
                }
            }
        }

        return window;
    }

    /// <summary>Refills the current version's window from the script (a start loads the version anew).</summary>
    public void Restart() => Window = NewWindow(Current.Sha256);

    private sealed class Staged(ReleaseRef release) : IStagedRelease
    {
        public ReleaseRef Release { get; } = release;

        public void Dispose()
        {
        }
    }
}

/// <summary>Keeps the records the coordinator writes.</summary>
internal sealed class FakeEvidence : IUpdateEvidence
{
    public List<JsonElement> Updates { get; } = [];

    public List<(string Reason, string Sha256)> Changes { get; } = [];

    public IEnumerable<string> States => Updates.Select(u => u.GetProperty("state").GetString()!);

    public Task RecordUpdateAsync(JsonElement data, CancellationToken cancellationToken)
    {
        Updates.Add(data);
        return Task.CompletedTask;
    }

    public Task ModelChangedAsync(string reason, ReleaseRef now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(now);
        Changes.Add((reason, now.Sha256));
        return Task.CompletedTask;
    }
}
