using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Files;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.Device.Inference;
using EdgeAgent.Storage.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// What one start of the agent runs on: the device's identity and key, its outbox and its ledger, opened before any
/// component starts (a device that is not provisioned, or whose outbox is held by another agent, stops here with a
/// message saying so) and closed after every component stopped.
/// </summary>
internal sealed class AgentRuntime : IAsyncDisposable
{
    private readonly ECDsa _key;
    private readonly AgentOptions _options;

    private readonly Lock _modelsGate = new();
    private readonly Updates.UpdatesOptions _updates;

    private AgentRuntime(DeviceIdentity identity, ECDsa key, IOutbox outbox, DeviceLedger ledger, DeviceClock clock, AppendSignal signal, AgentOptions options, bool uncleanShutdown, ActiveModels models, Core.Updates.UpdateJournal journal, Updates.UpdatesOptions updates)
    {
        Models = models;
        CurrentModels = models;
        UpdateJournal = journal;
        _updates = updates;
        Identity = identity;
        _key = key;
        Outbox = outbox;
        Ledger = ledger;
        Clock = clock;
        Signal = signal;
        _options = options;
        UncleanShutdown = uncleanShutdown;
    }

    public DeviceIdentity Identity { get; }

    public IOutbox Outbox { get; }

    public DeviceLedger Ledger { get; }

    public DeviceClock Clock { get; }

    public AppendSignal Signal { get; }

    /// <summary>The models this start runs, by catalog name and pinned hash, and their digest (the records' <c>model</c>).</summary>
    public ActiveModels Models { get; }

    /// <summary>The models that serve now: <see cref="Models"/> until an update or rollback changes one.</summary>
    public ActiveModels CurrentModels { get; private set; }

    /// <summary>The update journal as this start found it (after the start bookkeeping): which releases serve.</summary>
    public Core.Updates.UpdateJournal UpdateJournal { get; }

    /// <summary>The agent's version (MAJOR.MINOR.PATCH, from the assembly's informational version).</summary>
    public static string AgentVersion { get; } = (typeof(AgentRuntime).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        is [System.Reflection.AssemblyInformationalVersionAttribute a, ..] ? a.InformationalVersion : "0.0.0").Split('+')[0];

    public static string JournalPath(AgentOptions options) => Path.Combine(options.StateDirectory, "update-journal.json");

    /// <summary>How the owner's consent was given at this start (<c>button</c>), written as <c>consent.given</c>; null when it was given at provisioning.</summary>
    public string? ConsentMethod { get; set; }

    /// <summary>The previous run ended without a clean stop (a crash, kill -9 or power loss).</summary>
    public bool UncleanShutdown { get; }

    /// <exception cref="DeviceNotProvisionedException">No identity or key, or no consent to collection.</exception>
    /// <exception cref="IOException">The outbox cannot be opened (held by another agent, not an outbox, a newer schema).</exception>
    public static async Task<AgentRuntime> OpenAsync(
        AgentOptions options, OutboxOptions outboxOptions, ModelsOptions models, Updates.UpdatesOptions updates, IConfiguration configuration, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (identity, key) = new IdentityStore(options.StateDirectory, time).Load();
        IOutbox? outbox = null;
        try
        {
            if (!identity.Consent)
            {
                throw new DeviceNotProvisionedException(
                    $"device {identity.DeviceId} has no consent to collection; the agent records nothing without it. Run: edgeagent provision --device {identity.DeviceId} --product {identity.ProductId} --consent");
            }

            outbox = await SqliteOutboxFactory.OpenAsync(options.OutboxPath, outboxOptions, time, loggers.CreateLogger("EdgeAgent.Storage.Outbox"), cancellationToken).ConfigureAwait(false);
            var clock = new DeviceClock(time, SystemClockTrustOf(options.SystemClock));
            var signal = new AppendSignal();
            // Before any model loads: a start inside activation/probation is counted, and at the limit the previous version serves.
            var journal = await Core.Updates.UpdateCoordinator.PrepareStartAsync(new Updates.FileUpdateJournalStore(JournalPath(options)), updates.BootLimit, cancellationToken).ConfigureAwait(false);
            var active = ActiveModelsOf(models, journal);
            var ledger = await DeviceLedger.OpenAsync(outbox, identity, key, clock, Digests(active, configuration), signal, loggers.CreateLogger<DeviceLedger>(), cancellationToken).ConfigureAwait(false);
            var unclean = File.Exists(options.RunningMarkerPath);
            await File.WriteAllTextAsync(options.RunningMarkerPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            return new AgentRuntime(identity, key, outbox, ledger, clock, signal, options, unclean, active, journal, updates);
        }
        catch
        {
            if (outbox is not null)
            {
                await outbox.DisposeAsync().ConfigureAwait(false);
            }

            key.Dispose();
            throw;
        }
    }

    /// <summary>Writes what every start writes: the power state (and whether the last run ended cleanly), the first activation.</summary>
    /// <param name="commission">False when the product's button commissions the unit (a long press), not the start.</param>
    public async Task RecordStartAsync(ILogger logger, bool commission, CancellationToken cancellationToken)
    {
        if (ConsentMethod is { } method)
        {
            await Ledger.AppendAsync(RecordTypes.ConsentGiven, RecordData.Of(j => j.WriteString("method", method)), cancellationToken).ConfigureAwait(false);
        }

        await Ledger.AppendAsync(RecordTypes.PowerState, RecordData.Of(j =>
        {
            j.WriteString("state", "on");
            j.WriteNumber("boot", Ledger.Boot);
            j.WriteString("previous_shutdown", UncleanShutdown ? "unclean" : "clean");
            j.WriteString("board", _updates.Board);
            j.WriteString("agent_version", AgentVersion);
        }), cancellationToken).ConfigureAwait(false);

        if (!Ledger.IsActivated)
        {
            await Ledger.EnsureActivatedAsync(RecordData.Of(j =>
            {
                j.WriteString("region", _options.Region ?? "unknown");
                j.WriteNumber("boot", Ledger.Boot);
            }), cancellationToken).ConfigureAwait(false);
            Log.Activated(logger, Identity.DeviceId, Ledger.Head.Seq);
        }

        await RecordModelChangeAsync(logger, cancellationToken).ConfigureAwait(false);
        if (commission)
        {
            await CommissionAsync("start", logger, cancellationToken).ConfigureAwait(false);
        }

        Log.Started(logger, Identity.DeviceId, Identity.ProductId, Ledger.Boot, Ledger.Head.Seq, UncleanShutdown ? "an unclean" : "a clean");
    }

    /// <summary>
    /// A <c>model.changed</c> record when the models this start runs differ from the last start's (kept in
    /// <c>active-models</c> in the state directory, written only after the record is durable): the first start names its
    /// models, a configuration change names both sets. Updates from the hub (with rollback) write their own.
    /// </summary>
    private async Task RecordModelChangeAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_options.StateDirectory, "active-models");
        var previous = File.Exists(path) ? (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() : null;
        if (previous == Models.Digest)
        {
            return;
        }

        // A start that loads the previous version of an update (rolling back, or the boot-loop limit) is a rollback.
        var reason = previous is null ? "first_start"
            : UpdateJournal.State == Core.Updates.UpdateState.RollingBack || (UpdateJournal.State is Core.Updates.UpdateState.Activating or Core.Updates.UpdateState.Probation && UpdateJournal.Boots >= _updates.BootLimit) ? "rollback"
            : "configuration";
        await Ledger.AppendAsync(RecordTypes.ModelChanged, RecordData.Of(j =>
        {
            j.WriteString("reason", reason);
            if (previous is null)
            {
                j.WriteNull("from");
            }
            else
            {
                j.WriteString("from", previous);
            }

            j.WriteString("to", Models.Digest);
            j.WriteStartObject("models");
            foreach (var (name, sha) in Models.Hashes)
            {
                j.WriteString(name, sha);
            }

            j.WriteEndObject();
        }), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteTextAsync(path, Models.Digest, cancellationToken).ConfigureAwait(false);
        Log.ModelsChanged(logger, reason, previous ?? "none", Models.Digest);
    }

    /// <summary>
    /// An update or rollback put <paramref name="sha256"/> into service for <paramref name="model"/>: a <c>model.changed</c>
    /// record (reason, the model-set digests before and after, the models), the ledger's model digest, and the
    /// <c>active-models</c> file (written after the record is durable).
    /// </summary>
    public async Task RecordModelUpdateAsync(string reason, string model, string sha256, ILogger logger, CancellationToken cancellationToken)
    {
        ActiveModels before, after;
        lock (_modelsGate)
        {
            before = CurrentModels;
            var hashes = new SortedDictionary<string, string>(before.Hashes.ToDictionary(), StringComparer.Ordinal) { [model] = sha256 };
            after = before with { Hashes = hashes, Digest = LedgerDigests.OfModels(hashes.Values) };
            CurrentModels = after;
        }

        await Ledger.AppendAsync(RecordTypes.ModelChanged, RecordData.Of(j =>
        {
            j.WriteString("reason", reason);
            j.WriteString("from", before.Digest);
            j.WriteString("to", after.Digest);
            j.WriteStartObject("models");
            foreach (var (name, sha) in after.Hashes)
            {
                j.WriteString(name, sha);
            }

            j.WriteEndObject();
        }), cancellationToken).ConfigureAwait(false);
        Ledger.SetModelDigest(after.Digest);
        var path = Path.Combine(_options.StateDirectory, "active-models");
        await AtomicFile.WriteTextAsync(path, after.Digest, cancellationToken).ConfigureAwait(false);
        Log.ModelsChanged(logger, reason, before.Digest, after.Digest);
    }

    /// <summary>
    /// A <c>deployment.commissioned</c> record when <c>Agent:Site</c> names a site other than the one the unit was last
    /// commissioned at (kept in <c>commissioned-site</c>, written only after the record is durable; a crash in between
    /// writes the same site once more, never loses it).
    /// </summary>
    /// <param name="method">What commissioned it: <c>start</c> (the configured site at a start) or <c>button</c> (a long press).</param>
    /// <returns>What was done, for the log.</returns>
    public async Task<string> CommissionAsync(string method, ILogger logger, CancellationToken cancellationToken)
    {
        if (_options.Site is not { } site)
        {
            return "no Agent:Site is configured: nothing to commission at";
        }

        var path = Path.Combine(_options.StateDirectory, "commissioned-site");
        var previous = File.Exists(path) ? (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() : null;
        if (previous == site)
        {
            return $"already commissioned at {site}";
        }

        await Ledger.AppendAsync(RecordTypes.DeploymentCommissioned, RecordData.Of(j =>
        {
            j.WriteString("site", site);
            j.WriteString("method", method);
            if (previous is null)
            {
                j.WriteNull("previous_site");
            }
            else
            {
                j.WriteString("previous_site", previous);
            }
        }), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteTextAsync(path, site, cancellationToken).ConfigureAwait(false);
        Log.Commissioned(logger, Identity.DeviceId, site, previous ?? "none");
        return $"commissioned at {site} (before: {previous ?? "none"})";
    }

    /// <summary>
    /// The clean stop: a last power record, then the marker goes (its absence at the next start means "clean"). When the
    /// record cannot be written (a full disk) the stop goes on and the marker stays: the next start then reports an
    /// unclean stop, which is what the ledger can prove.
    /// </summary>
    public async Task RecordStopAsync(ILogger logger, CancellationToken cancellationToken)
    {
        Log.Stopping(logger, Identity.DeviceId, Ledger.Head.Seq);
        try
        {
            await Ledger.AppendAsync(RecordTypes.PowerState, RecordData.Of(j =>
            {
                j.WriteString("state", "off");
                j.WriteNumber("boot", Ledger.Boot);
            }), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UsageReporter.IsAppendFailure(e))
        {
            Log.StopRecordFailed(logger, RecordTypes.PowerState, e);
            return;
        }

        File.Delete(_options.RunningMarkerPath);
    }

    public async ValueTask DisposeAsync()
    {
        await Outbox.DisposeAsync().ConfigureAwait(false);
        Ledger.Dispose();
        _key.Dispose();
    }

    /// <summary>systemd-timesyncd creates this file once the clock is synchronised (systemd-timesyncd.service(8)).</summary>
    public static bool NtpSynchronized => File.Exists("/run/systemd/timesync/synchronized");

    private static SystemClockTrust SystemClockTrustOf(string setting) => setting switch
    {
        "ntp" => SystemClockTrust.Ntp,
        "gnss" => SystemClockTrust.Gnss,
        "rtc" => SystemClockTrust.Rtc,
        "none" => SystemClockTrust.None,
        _ => NtpSynchronized ? SystemClockTrust.Ntp : SystemClockTrust.None,
    };

    /// <summary>The configured pipelines' catalog models (ppocr is its detection and recognition models).</summary>
    private static ActiveModels ActiveModelsOf(ModelsOptions models, Core.Updates.UpdateJournal journal)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var catalog = models.Pipelines.Count > 0 ? CatalogReader.Load(models.Catalog) : null;
        foreach (var entry in models.Pipelines.SelectMany(p => InferJobs.EntriesOf(p.Model, catalog!)))
        {
            // An installed release serves instead of the catalog's pin when the journal says so.
            hashes[entry.Name] = journal.ServingRelease(entry.Name)?.Sha256 ?? entry.Sha256;
        }

        return new ActiveModels(catalog, hashes, LedgerDigests.OfModels(hashes.Values));
    }

    /// <summary>
    /// The digests every record carries: the active models' pinned SHA-256s, the agent build (its main assembly file)
    /// and the effective configuration of the agent's own sections. The NativeAOT agent has no assembly files: its build
    /// is the executable itself.
    /// </summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty Location (NativeAOT) falls back to the executable, which is the build.")]
    private static LedgerDigests Digests(ActiveModels models, IConfiguration configuration)
    {
        var agentFile = typeof(AgentRuntime).Assembly.Location is { Length: > 0 } assembly ? assembly : Environment.ProcessPath;
        var config = new StringBuilder();
        foreach (var (key, value) in configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && new[] { AgentOptions.Section, OutboxOptions.Section, UsageOptions.Section, ModelsOptions.Section, "Mqtt" }
                .Any(s => kv.Key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
            .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            config.Append(key).Append('=').Append(value).Append('\n');
        }

        return new LedgerDigests(
            models.Digest,
            File.Exists(agentFile) ? Convert.ToHexStringLower(HashOf(agentFile)) : LedgerDigests.OfModels([]),
            LedgerDigests.OfConfig(config.ToString()));
    }

    // Streamed: the NativeAOT executable is tens of megabytes, which ReadAllBytes would hold on the heap for the run.
    private static byte[] HashOf(string file)
    {
        using var stream = File.OpenRead(file);
        return SHA256.HashData(stream);
    }
}

/// <summary>
/// The models one start runs: the catalog they come from (read once, null without pipelines), catalog name to pinned
/// SHA-256, and the digest over them.
/// </summary>
internal sealed record ActiveModels(ModelCatalog? Catalog, IReadOnlyDictionary<string, string> Hashes, string Digest);
