using System.Diagnostics;
using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Updates;
using EdgeAgent.Device.Updates;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using EdgeAgent.TestKit.Releases;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Device.Tests.Updates;

/// <summary>
/// A device running tiny-mlp (its catalog pin, from a model cache on disk) behind a real swappable ONNX session, with the
/// real update host, journal file, installed-release checks and coordinator; releases come from a local "server" (a fake
/// downloader copying bytes). A caller drives the session at a steady rate, as a pipeline does.
/// </summary>
internal sealed class OnnxUpdateRig : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public OnnxUpdateRig()
    {
        var mlp = TinyModels.Mlp();
        Catalog = TinyModels.Catalog(mlp);
        Cache = new ModelCache(_temp.Combine("cache"), new NoFetching());
        mlp.WriteTo(Path.Combine(Cache.Root, mlp.Name));
        CatalogEntry = Catalog.Models[0];
        Session = new SwappableSession(Loader.Load(CatalogEntry, Path.Combine(Cache.Root, mlp.Name, mlp.FileName)), Usage.For(mlp.Name));
        Sessions.Register(mlp.Name, Session);
        Settings = new UpdateSettings(_temp.Combine("releases"), Releases.Trust(), "generic", "0.1.0");
        Store = new FileUpdateJournalStore(_temp.Combine("update-journal.json"));
    }

    public TestReleases Releases { get; } = new();

    public ModelCatalog Catalog { get; }

    public ModelEntry CatalogEntry { get; }

    public ModelCache Cache { get; }

    public OnnxModelLoader Loader { get; } = new(new OnnxRuntimeOptions());

    public InferenceUsage Usage { get; } = new();

    public SessionRegistry Sessions { get; } = new();

    public SwappableSession Session { get; }

    public UpdateSettings Settings { get; set; }

    public FileUpdateJournalStore Store { get; }

    public LocalServer Server { get; } = new();

    public RecordingEvidence Evidence { get; } = new();

    public UpdateCoordinator? Coordinator { get; private set; }

    /// <summary>A signed release of <paramref name="model"/> (same name as the running model), its self-test recorded from the file.</summary>
    public (ReleaseManifest Manifest, ModelDirective Directive) Publish(TinyModel model, string version, ProbationPolicy policy, Func<ModelEntry, ModelEntry>? entry = null, SelfTestVector? selfTest = null)
    {
        var path = model.WriteTo(_temp.Combine("published", version));
        var vector = new SelfTestVector
        {
            Inputs = new Dictionary<string, SelfTestInput> { ["x"] = new() { Shape = [1, 4], Fill = "uniform", Seed = 11, Min = -1, Max = 1 } },
            Tolerance = new SelfTestTolerance { Absolute = 1e-4, Relative = 1e-3 },
        };
        var baseEntry = model.ToCatalogEntry();
        using (var probe = Loader.Load(baseEntry, path))
        {
            vector = selfTest ?? OnnxModelLoader.RecordSelfTest(probe, vector);
        }

        var manifestEntry = (entry ?? (e => e))(baseEntry with { Name = CatalogEntry.Name });
        var manifest = TestReleases.Manifest(version, model.Bytes.Span, manifestEntry, vector);
        var directive = TestReleases.Install($"c-{version}", manifest, policy);
        Server.Files[directive.ManifestUrl] = Releases.Sign(manifest).ToJson();
        Server.Files[directive.ArtifactUrl] = model.Bytes.ToArray();
        return (manifest, directive);
    }

    public async Task StartAsync()
    {
        await UpdateCoordinator.PrepareStartAsync(Store, Settings.BootLimit, CancellationToken.None);
        var host = new ModelUpdateHost(Sessions, Loader, new InstalledReleases(Settings), Catalog, Cache);
        Coordinator = new UpdateCoordinator(Store, Server, Server, host, Evidence, Settings, TimeProvider.System, NullLogger.Instance);
        _run = Coordinator.RunAsync(_stop.Token);
    }

    /// <summary>Waits until the update's last record says it is at rest (committed or failed), then reads the journal.</summary>
    public Task<UpdateJournal> AtRestAsync(TimeSpan timeout) => Evidence.WaitForAsync(
        e => e.States.LastOrDefault() is UpdateStates.Committed or UpdateStates.Failed && Store.Load() is { } j && UpdateStateMachine.IsAtRest(j.State) ? j : null, timeout, () => _run);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Session.Dispose();
        Releases.Dispose();
        _stop.Dispose();
        _temp.Dispose();
    }

    private sealed class NoFetching : IPackageFetcher
    {
        public Task<IFetchedPackage> FetchAsync(PackageSource package, CancellationToken cancellationToken) => throw new InvalidOperationException("no fetching in tests");
    }
}

/// <summary>Serves release files from memory (the downloader and release fetcher ports).</summary>
internal sealed class LocalServer : IArtifactDownloader, IReleaseFetcher
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public Task<byte[]> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken) =>
        Files.TryGetValue(url.ToString(), out var b) ? Task.FromResult(b) : throw new DownloadException(UpdateFailures.Download, $"{url}: 404");

    public async Task DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Files.TryGetValue(request.Url.ToString(), out var bytes))
        {
            throw new DownloadException(UpdateFailures.Download, $"{request.Url}: 404");
        }

        await File.WriteAllBytesAsync(request.Destination, bytes, cancellationToken);
    }
}

/// <summary>Keeps the update's records; signals every write so a test can wait for a condition without sleeping.</summary>
internal sealed class RecordingEvidence : IUpdateEvidence
{
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _updates = [];
    private readonly List<(string Reason, string Sha256)> _changes = [];
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<JsonElement> Updates
    {
        get
        {
            lock (_gate)
            {
                return [.. _updates];
            }
        }
    }

    public IReadOnlyList<(string Reason, string Sha256)> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    public IEnumerable<string> States => Updates.Select(u => u.GetProperty("state").GetString()!);

    public Task RecordUpdateAsync(JsonElement data, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _updates.Add(data);
            _written.TrySetResult();
            _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return Task.CompletedTask;
    }

    public Task ModelChangedAsync(string reason, ReleaseRef now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _changes.Add((reason, now.Sha256));
        }

        return Task.CompletedTask;
    }

    /// <summary>Checks <paramref name="probe"/> after every record until it gives a value (the coordinator's run must not fault).</summary>
    public async Task<T> WaitForAsync<T>(Func<RecordingEvidence, T?> probe, TimeSpan timeout, Func<Task?> run)
        where T : class
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task written;
            lock (_gate)
            {
                written = _written.Task;
            }

            if (probe(this) is { } value)
            {
                return value;
            }

            var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"the update did not get there within {timeout}; records: {string.Join(", ", States)}");
            }

            var r = run();
            var done = await Task.WhenAny(written, r ?? Task.Delay(Timeout.Infinite), Task.Delay(left));
            if (done == r)
            {
                await r; // surfaces its exception
            }
        }
    }
}

/// <summary>
/// Calls a session as a pipeline does, at a steady rate on its own thread: each call feeds x, runs, reads y. Every call
/// scheduled is made (a late tick is made late, never skipped) and its latency and outcome kept.
/// </summary>
internal sealed class SteadyCaller : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly List<(long AtTicks, double Ms, bool Ok, string Version)> _calls = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public SteadyCaller(SwappableSession session, double perSecond, Func<long, float[]> input)
    {
        _loop = Task.Factory.StartNew(() => Loop(session, perSecond, input), TaskCreationOptions.LongRunning);
    }

    public IReadOnlyList<(long AtTicks, double Ms, bool Ok, string Version)> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public long Scheduled { get; private set; }

    /// <summary>Completes once <paramref name="count"/> calls were made (woken by the calls themselves).</summary>
    public Task WaitForCallsAsync(int count)
    {
        lock (_gate)
        {
            if (_calls.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private void Loop(SwappableSession session, double perSecond, Func<long, float[]> input)
    {
        var period = (long)(Stopwatch.Frequency / perSecond);
        var next = Stopwatch.GetTimestamp();
        for (long n = 0; !_stop.IsCancellationRequested; n++)
        {
            next += period;
            Scheduled = n + 1;
            var x = input(n);
            var started = Stopwatch.GetTimestamp();
            var ok = true;
            try
            {
                x.CopyTo(session.Input<float>(0, [1, 4]));
                session.Run();
                _ = session.Output<float>(0)[0];
            }
            catch (InferenceException)
            {
                ok = false;
            }

            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_gate)
            {
                _calls.Add((started, ms, ok, session.CallVersion));
                foreach (var w in _waiters.Where(w => _calls.Count >= w.Count).ToList())
                {
                    w.Done.TrySetResult();
                    _waiters.Remove(w);
                }
            }

            // Pace to the schedule: wait out the rest of the period (the caller's rate, not a test synchronisation).
            while (Stopwatch.GetTimestamp() < next && !_stop.IsCancellationRequested)
            {
                var left = (next - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                if (left > 1)
                {
                    _stop.Token.WaitHandle.WaitOne((int)(left - 1));
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }
        }
    }
}
