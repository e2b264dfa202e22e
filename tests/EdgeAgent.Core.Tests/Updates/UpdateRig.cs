using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Releases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Updates;

/// <summary>
/// One device with one model (tiny-mlp, serving its catalog pin) and a release of it on a fake server: the journal
/// store, downloader, host and evidence fakes, and coordinators started (and "restarted") over them.
/// </summary>
internal sealed class UpdateRig : IAsyncDisposable
{
    public const string Model = "tiny-mlp";
    public static readonly string CatalogSha = new('c', 64);

    private readonly TempDirectory _temp = new();
    private readonly List<(Task Run, CancellationTokenSource Stop)> _runs = [];

    public UpdateRig(Func<ModelEntry, ModelEntry>? candidateEntry = null, IReadOnlyList<string>? boards = null, string agentMin = "0.0.0")
    {
        Artifact = RandomNumberGenerator.GetBytes(4096);
        var entry = candidateEntry is null ? Entry(CatalogSha) : candidateEntry(Entry(CatalogSha));
        Manifest = TestReleases.Manifest("2.0.0", Artifact, entry, SelfTest()) with { Boards = boards ?? [], AgentMin = agentMin };
        Signed = Releases.Sign(Manifest);
        Host = new FakeUpdateHost(Entry(CatalogSha));
        Host.Knows(Entry(CatalogSha));
        // The previous version's calls: 2 ms each, output means around 0.5.
        Host.Script[CatalogSha] = [.. Enumerable.Range(0, 20).Select(i => (2.0, false, 0.5 + ((i % 2 == 0 ? 1 : -1) * 0.01)))];
        Good();
        Trust = Releases.Trust();
    }

    public TestReleases Releases { get; } = new();

    public byte[] Artifact { get; }

    public ReleaseManifest Manifest { get; }

    public SignedRelease Signed { get; set; }

    public ReleaseTrust Trust { get; set; }

    public MemoryJournalStore Store { get; } = new();

    public FakeDownloader Downloader { get; } = new();

    public FakeUpdateHost Host { get; }

    public FakeEvidence Evidence { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public string ReleasesDirectory => _temp.Combine("releases");

    public UpdateCoordinator? Coordinator { get; private set; }

    public static ProbationPolicy Policy => new() { Calls = 10, MaxSeconds = 600, MaxErrorRate = 0.1, LatencyTolerance = 0.5, MaxDrift = 3 };

    public ModelDirective Directive(ProbationPolicy? policy = null) => TestReleases.Install("c-1", Manifest, policy ?? Policy);

    public static ModelEntry Entry(string sha, long[]? input = null) => new()
    {
        Name = Model,
        Task = "test",
        License = "MIT",
        Source = new PackageSource { Npm = "@edgeagent-test/tiny-models", Version = "1.0.0", Path = "tiny-mlp.onnx" },
        Sha256 = sha,
        Inputs = [new TensorSpec { Name = "x", Type = "float32", Shape = input ?? [1, 4] }],
        Outputs = [new TensorSpec { Name = "y", Type = "float32", Shape = [1, 3] }],
    };

    public static SelfTestVector SelfTest() => new()
    {
        Inputs = new Dictionary<string, SelfTestInput> { ["x"] = new() { Shape = [1, 4], Fill = "uniform", Seed = 7 } },
        Expected = new Dictionary<string, SelfTestExpectation> { ["y"] = new() { Shape = [1, 3], Mean = 1.0 / 3, L2 = 0.6, Samples = [] } },
        Tolerance = new SelfTestTolerance { Absolute = 1e-4, Relative = 1e-3 },
    };

    /// <summary>The candidate behaves like the previous version (passes every gate).</summary>
    public void Good() => Host.Script[Manifest.Sha256] = [.. Enumerable.Range(0, 10).Select(i => (2.0, false, 0.5 + ((i % 2 == 0 ? 1 : -1) * 0.01)))];

    /// <summary>The candidate fails 3 of its 10 calls (the policy allows 10%).</summary>
    public void Erring() => Host.Script[Manifest.Sha256] = [.. Enumerable.Range(0, 10).Select(i => (2.0, i % 3 == 0, 0.5))];

    /// <summary>The candidate takes 10 ms a call (the previous one 2 ms).</summary>
    public void Slow() => Host.Script[Manifest.Sha256] = [.. Enumerable.Range(0, 10).Select(i => (10.0, false, 0.5 + ((i % 2 == 0 ? 1 : -1) * 0.01)))];

    /// <summary>The candidate's output mean sits at 0.9 (the previous one's at 0.5 ± 0.01).</summary>
    public void Drifting() => Host.Script[Manifest.Sha256] = [.. Enumerable.Range(0, 10).Select(_ => (2.0, false, 0.9))];

    /// <summary>The server holds the release and the artifact (or <paramref name="artifact"/> instead).</summary>
    public void Serve(ModelDirective directive, byte[]? artifact = null)
    {
        Downloader.Files[directive.ManifestUrl] = Signed.ToJson();
        Downloader.Files[directive.ArtifactUrl] = artifact ?? Artifact;
    }

    /// <summary>Starts a coordinator over the store (as the agent does at each start: the start bookkeeping first).</summary>
    /// <param name="newProcess">False: the supervisor runs the coordinator again in the same process (models stay loaded).</param>
    public async Task<Task> StartAsync(int bootLimit = 3, bool newProcess = true)
    {
        if (newProcess)
        {
            var journal = await UpdateCoordinator.PrepareStartAsync(Store, bootLimit, CancellationToken.None);
            // The pipelines load what the journal names, their windows fresh.
            Host.PutInService(journal.ServingRelease(Model)?.Sha256 ?? CatalogSha);
        }

        Coordinator = new UpdateCoordinator(Store, Downloader, Downloader, Host, Evidence, new UpdateSettings(ReleasesDirectory, Trust, "generic", "0.1.0", bootLimit), Time, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var run = Coordinator.RunAsync(stop.Token);
        _runs.Add((run, stop));
        return run;
    }

    public Task<UpdateJournal> AtRestAsync() =>
        Store.WaitForAsync(j => j.Steps.Count > 0 && UpdateStateMachine.IsAtRest(j.State) && j.Reported == j.Steps.Count);

    public async ValueTask DisposeAsync()
    {
        foreach (var (run, stop) in _runs)
        {
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.Dispose();
        }

        Releases.Dispose();
        _temp.Dispose();
    }
}
