using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Updates;
using EdgeAgent.Device.Catalog;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Updates.Download;
using EdgeAgent.Inference.Onnx.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Updates;

/// <summary>
/// Runs the update coordinator as a supervised loop: it waits until the pipelines have loaded their models, resumes
/// whatever the journal says is in progress, then acts on the directives the MQTT publisher hands it (<see cref="Offer"/>).
/// A failed run (an I/O error while rolling back, say) is logged and run again after a backoff; the journal says where
/// it was. One per agent; several agents in one process each have their own.
/// </summary>
internal sealed class UpdateService : BackgroundService, IModelDirectiveSink
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly PipelineReadiness _ready;
    private readonly TimeProvider _time;
    private readonly ILogger<UpdateService> _logger;
    private readonly HttpClient _http;

    public UpdateService(
        AgentRuntime runtime, SessionRegistry sessions, PipelineReadiness ready, ReleaseTrust trust, IOptions<UpdatesOptions> updates, IOptions<DownloaderOptions> download,
        IOptions<AgentOptions> agent, IOptions<ModelsOptions> models, StartupPagesRelease pages, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(loggers);
        _ready = ready;
        _time = time;
        _logger = loggers.CreateLogger<UpdateService>();
        var settings = new UpdateSettings(updates.Value.DirectoryUnder(agent.Value.StateDirectory), trust, updates.Value.Board, AgentRuntime.AgentVersion, updates.Value.BootLimit);
        Releases = new InstalledReleases(settings);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = models.Value.Threads }, loggers.CreateLogger<OnnxModelLoader>());
        var host = new ModelUpdateHost(sessions, loader, Releases, runtime.Models.Catalog, new ModelCache(models.Value.CacheDirectory, new NpmPackageFetcher()));
        Coordinator = new UpdateCoordinator(
            new FileUpdateJournalStore(AgentRuntime.JournalPath(agent.Value)),
            new HttpArtifactDownloader(_http, download.Value, time, loggers.CreateLogger<HttpArtifactDownloader>()),
            new HttpReleaseFetcher(_http),
            host,
            new LedgerEvidence(runtime, pages, _logger),
            settings,
            time,
            loggers.CreateLogger<UpdateCoordinator>());
    }

    public UpdateCoordinator Coordinator { get; }

    public InstalledReleases Releases { get; }

    public void Offer(ModelDirective directive) => Coordinator.Offer(directive);

    public override void Dispose()
    {
        base.Dispose();
        _http.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _ready.Loaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Coordinator.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Core.Inference.ModelRefusedException or Core.Inference.InferenceException or System.Text.Json.JsonException)
            {
                Runtime.Log.UpdateRunFailed(_logger, UpdateStateMachine.Name(Coordinator.Journal.State), backoff, e);
                await Task.Delay(backoff, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    /// <summary>The update's records go to the device ledger; model changes also to the active-models file.</summary>
    private sealed class LedgerEvidence(AgentRuntime runtime, StartupPagesRelease pages, ILogger logger) : IUpdateEvidence
    {
        public async Task RecordUpdateAsync(System.Text.Json.JsonElement data, CancellationToken cancellationToken) =>
            await runtime.Ledger.AppendAsync(Contracts.Records.RecordTypes.ModelUpdate, data, cancellationToken).ConfigureAwait(false);

        public Task ModelChangedAsync(string reason, ReleaseRef now, CancellationToken cancellationToken)
        {
            pages.Request(); // the new session's load touched ONNX Runtime's start-only code again
            return runtime.RecordModelUpdateAsync(reason, now.Name, now.Sha256, logger, cancellationToken);
        }
    }
}

/// <summary>Set by the pipeline runner once every pipeline tried to load its model (the update service waits for it).</summary>
internal sealed class PipelineReadiness
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Loaded => _loaded.Task;

    public void SetLoaded() => _loaded.TrySetResult();
}
