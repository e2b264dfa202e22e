using System.Threading.Channels;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Updates;

/// <summary>
/// Drives model updates through <see cref="UpdateStateMachine"/>: each transition is persisted (the journal) before the
/// side effect of the state it enters, then written down as a <c>model.update</c> record, then the side effect runs. On
/// start (<see cref="RunAsync"/>) it resumes from the persisted state:
/// <list type="table">
/// <listheader><term>found at start</term><description>what serves, and what the coordinator does</description></listheader>
/// <item><term>idle, committed, failed</term><description>what <see cref="UpdateJournal.InService"/> names; waits for directives.</description></item>
/// <item><term>downloading</term><description>old version; resumes the download (the partial file stays on disk).</description></item>
/// <item><term>verifying, staging</term><description>old version; verifies / stages again from the files on disk.</description></item>
/// <item><term>activating</term><description>old version (the swap's result was not persisted); verifies, stages and swaps again
/// (finishes the activation) — unless this is the <see cref="UpdateSettings.BootLimit"/>-th start inside
/// activation/probation: then rolls back with <c>boot.loop</c>.</description></item>
/// <item><term>probation</term><description>new version; restarts the window (same baseline) — or, at the boot limit, the
/// previous version loads and the update rolls back with <c>boot.loop</c>.</description></item>
/// <item><term>rolling_back</term><description>previous version (persisted when rolling back began); finishes the rollback.</description></item>
/// </list>
/// Records of transitions persisted but not yet written (a crash in between) are written at the next start. Directives
/// are acted on once per (campaign, action), remembered in the journal. One instance per agent; all state is in it.
/// </summary>
public sealed class UpdateCoordinator : IModelDirectiveSink
{
    private readonly IUpdateJournalStore _store;
    private readonly IArtifactDownloader _downloader;
    private readonly IReleaseFetcher _releases;
    private readonly IUpdateHost _host;
    private readonly IUpdateEvidence _evidence;
    private readonly UpdateSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ModelDirective> _inbox = Channel.CreateUnbounded<ModelDirective>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<ModelDirective> _deferred = new();
    private UpdateJournal _journal;
    private IStagedRelease? _staged;
    private CallWindow? _window;
    private DownloadProgress? _progress;

    public UpdateCoordinator(
        IUpdateJournalStore store, IArtifactDownloader downloader, IReleaseFetcher releases, IUpdateHost host, IUpdateEvidence evidence, UpdateSettings settings, TimeProvider time, ILogger logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _downloader = downloader ?? throw new ArgumentNullException(nameof(downloader));
        _releases = releases ?? throw new ArgumentNullException(nameof(releases));
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _evidence = evidence ?? throw new ArgumentNullException(nameof(evidence));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _journal = store.Load();
    }

    /// <summary>The journal as last persisted (for the status file).</summary>
    public UpdateJournal Journal => Volatile.Read(ref _journal);

    /// <summary>Progress of the download in progress, if any.</summary>
    public DownloadProgress? Progress => _progress;

    /// <summary>
    /// What every start does before any model loads: counts a start inside Activating/Probation and, at the boot limit,
    /// makes the previous version the one in service. Returns the journal the pipelines load from.
    /// </summary>
    public static async Task<UpdateJournal> PrepareStartAsync(IUpdateJournalStore store, int bootLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var journal = store.Load();
        var started = journal.AtStart(bootLimit);
        if (!ReferenceEquals(started, journal))
        {
            await store.SaveAsync(started, cancellationToken).ConfigureAwait(false);
        }

        return started;
    }

    /// <summary>Hands a directive to the coordinator (any thread; never blocks).</summary>
    public void Offer(ModelDirective directive)
    {
        ArgumentNullException.ThrowIfNull(directive);
        _inbox.Writer.TryWrite(directive);
    }

    /// <summary>Resumes what the journal says is in progress, then acts on directives until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _journal = _store.Load();
        await ReportPendingAsync(cancellationToken).ConfigureAwait(false);
        if (!UpdateStateMachine.IsAtRest(_journal.State) && _journal.Candidate is { } c)
        {
            Log.Resumed(_logger, UpdateStateMachine.Name(_journal.State), c.Name, c.Version, _journal.Boots);
        }

        await DriveAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var directive = _deferred.Count > 0 ? _deferred.Dequeue() : await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await HandleAsync(directive, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(ModelDirective directive, CancellationToken cancellationToken)
    {
        if (_journal.HasHandled(directive))
        {
            Log.DirectiveSeen(_logger, directive.Campaign, directive.Action);
            return;
        }

        if (directive.Action == ModelDirective.Install)
        {
            var serving = _host.Serving(directive.Name);
            var previous = _journal.ServingRelease(directive.Name) ?? (serving is null ? null : ReleaseRef.Catalog(directive.Name, serving.Sha256));
            var candidate = new ReleaseRef { Name = directive.Name, Version = directive.Version, Sha256 = directive.Sha256 };
            var fresh = _journal.WithHandled(directive) with
            {
                Directive = directive,
                Candidate = candidate,
                Previous = previous,
                Boots = 0,
                Baseline = null,
                Reason = null,
                Detail = null,
                Figures = null,
                Steps = [],
                Reported = 0,
            };
            _journal = fresh;
            await FireAsync(UpdateEvent.Install, j => j, cancellationToken).ConfigureAwait(false);
            await DriveAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A rollback concerns the device only when its current (or last) update belongs to that campaign and activated.
        if (_journal.Directive?.Campaign == directive.Campaign && UpdateStateMachine.Takes(_journal.State, UpdateEvent.RollbackOrdered))
        {
            _journal = _journal.WithHandled(directive);
            await FireAsync(UpdateEvent.RollbackOrdered, Failing(UpdateFailures.Ordered, $"the hub ordered campaign {directive.Campaign} rolled back"), cancellationToken).ConfigureAwait(false);
            await DriveAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        Log.RollbackNotConcerned(_logger, directive.Campaign, UpdateStateMachine.Name(_journal.State), _journal.Directive?.Campaign ?? "none");
        _journal = _journal.WithHandled(directive);
        await _store.SaveAsync(_journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the side effect of each state until the update is at rest.</summary>
    private async Task DriveAsync(CancellationToken cancellationToken)
    {
        while (!UpdateStateMachine.IsAtRest(_journal.State))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (_journal.State)
            {
                case UpdateState.Downloading:
                    await DownloadAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateState.Verifying:
                    await VerifyAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateState.Staging:
                    await StageAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateState.Activating:
                    await ActivateAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateState.Probation:
                    await ProbationAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateState.RollingBack:
                    await RollBackAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException($"state {_journal.State} has no side effect");
            }
        }

        _staged?.Dispose();
        _staged = null;
        _window = null;
    }

    private async Task DownloadAsync(CancellationToken cancellationToken)
    {
        var d = _journal.Directive!;
        var releasePath = _settings.ReleasePath(d.Name, d.Sha256);
        var artifactPath = _settings.ArtifactPath(d.Name, d.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(artifactPath)!);
        var progress = new ProgressSink(this);
        try
        {
            if (!File.Exists(releasePath))
            {
                var bytes = await _releases.FetchAsync(new Uri(d.ManifestUrl), UpdateSettings.MaxReleaseBytes, cancellationToken).ConfigureAwait(false);
                await File.WriteAllBytesAsync(releasePath + ".tmp", bytes, cancellationToken).ConfigureAwait(false);
                File.Move(releasePath + ".tmp", releasePath, overwrite: true);
            }

            if (!File.Exists(artifactPath) || new FileInfo(artifactPath).Length != d.Size)
            {
                await _downloader.DownloadAsync(new DownloadRequest(new Uri(d.ArtifactUrl), artifactPath, d.Size, d.Sha256), progress, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DownloadException e)
        {
            await FailAsync(e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
            return;
        }
        finally
        {
            _progress = null;
        }

        await FireAsync(UpdateEvent.Downloaded, j => j, cancellationToken).ConfigureAwait(false);
    }

    private async Task VerifyAsync(CancellationToken cancellationToken)
    {
        if (await CheckAsync(cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            await FailAsync(refusal.Code, refusal.Detail, cancellationToken).ConfigureAwait(false);
            return;
        }

        await FireAsync(UpdateEvent.Verified, j => j, cancellationToken).ConfigureAwait(false);
    }

    private async Task StageAsync(CancellationToken cancellationToken)
    {
        var (staged, refusal) = await LoadStandbyAsync(verify: false, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            await FailAsync(refusal.Code, refusal.Detail, cancellationToken).ConfigureAwait(false);
            return;
        }

        _staged = staged;
        var baseline = _host.Baseline(_journal.Candidate!.Name);
        await FireAsync(UpdateEvent.Staged, j => j with { Baseline = baseline }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (_journal.Boots >= _settings.BootLimit)
        {
            await FireAsync(UpdateEvent.BootLoop, BootLoop(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_staged is null)
        {
            // Resumed after a restart: the standby sessions are gone. Check the files again and stage them again.
            var (staged, refusal) = await LoadStandbyAsync(verify: true, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                await FailAsync(refusal.Code, refusal.Detail, cancellationToken).ConfigureAwait(false);
                return;
            }

            _staged = staged;
        }

        var candidate = _journal.Candidate!;
        try
        {
            _window = _host.Activate(_staged!);
        }
        catch (Exception e) when (e is InferenceException or ModelRefusedException or InvalidOperationException or IOException)
        {
            await FailAsync(UpdateFailures.Activation, $"the swap to {candidate} failed: {e.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        _staged = null; // the slots own the sessions now
        await _evidence.ModelChangedAsync("update", candidate, cancellationToken).ConfigureAwait(false);
        await FireAsync(UpdateEvent.Activated, j => j.Serving(candidate), cancellationToken).ConfigureAwait(false);
    }

    private async Task ProbationAsync(CancellationToken cancellationToken)
    {
        if (_journal.Boots >= _settings.BootLimit)
        {
            await FireAsync(UpdateEvent.BootLoop, BootLoop(), cancellationToken).ConfigureAwait(false);
            return;
        }

        var policy = _journal.Directive!.Probation;
        var campaign = _journal.Directive.Campaign;
        var window = _window ?? _host.Window(_journal.Candidate!.Name) ?? new CallWindow();
        var deadline = _time.GetTimestamp() + (long)(policy.MaxSeconds * _time.TimestampFrequency);
        while (true)
        {
            var left = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var done = window.WaitAsync(f => f.Calls >= policy.Calls || ProbationGate.ErrorsExceeded(policy, f), losers.Token);
            var timeout = Task.Delay(left, _time, losers.Token);
            var message = _inbox.Reader.WaitToReadAsync(losers.Token).AsTask();
            var first = await Task.WhenAny(done, timeout, message).ConfigureAwait(false);
            await losers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(done, timeout, message).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
            if (first != message)
            {
                break;
            }

            while (_inbox.Reader.TryRead(out var directive))
            {
                if (directive.Action == ModelDirective.Rollback && directive.Campaign == campaign && !_journal.HasHandled(directive))
                {
                    var figures = ProbationGate.Evaluate(policy, _journal.Baseline, window.Figures).Figures;
                    _journal = _journal.WithHandled(directive);
                    await FireAsync(UpdateEvent.RollbackOrdered, Failing(UpdateFailures.Ordered, $"the hub ordered campaign {campaign} rolled back during probation", figures), cancellationToken).ConfigureAwait(false);
                    return;
                }

                Log.DirectiveDeferred(_logger, directive.Campaign, directive.Action);
                _deferred.Enqueue(directive);
            }
        }

        var verdict = ProbationGate.Evaluate(policy, _journal.Baseline, window.Figures);
        if (verdict.Passed)
        {
            Prune(_journal.Candidate!.Name, _journal.Candidate, _journal.Previous, _journal.ServingRelease(_journal.Candidate.Name));
            await FireAsync(UpdateEvent.Passed, j => j with { Figures = verdict.Figures }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await FireAsync(UpdateEvent.Failed, Failing(verdict.Reason!, verdict.Detail!, verdict.Figures), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RollBackAsync(CancellationToken cancellationToken)
    {
        var previous = _journal.Previous ?? throw new InvalidOperationException("rolling back without a previous version");
        _staged?.Dispose();
        _staged = null;
        var changed = _host.Serving(previous.Name)?.Sha256 is { } serving && serving != previous.Sha256;
        await _host.RestoreAsync(previous, cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await _evidence.ModelChangedAsync("rollback", previous, cancellationToken).ConfigureAwait(false);
        }

        await FireAsync(UpdateEvent.RolledBack, j => j, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Verifies the files on disk (again, when resuming) and loads them into standby sessions.</summary>
    private async Task<(IStagedRelease? Staged, UpdateRefusal? Refusal)> LoadStandbyAsync(bool verify, CancellationToken cancellationToken)
    {
        if (verify && await CheckAsync(cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return (null, refusal);
        }

        var d = _journal.Directive!;
        var manifest = SignedRelease.Parse(await File.ReadAllBytesAsync(_settings.ReleasePath(d.Name, d.Sha256), cancellationToken).ConfigureAwait(false)).ReadManifest(out _)!;
        try
        {
            return (await _host.StageAsync(manifest, _settings.ArtifactPath(d.Name, d.Sha256), cancellationToken).ConfigureAwait(false), null);
        }
        catch (ModelRefusedException e)
        {
            return (null, new UpdateRefusal(UpdateFailures.SelfTest, e.Message));
        }
    }

    private async Task<UpdateRefusal?> CheckAsync(CancellationToken cancellationToken)
    {
        var d = _journal.Directive!;
        var artifact = _settings.ArtifactPath(d.Name, d.Sha256);
        var release = _settings.ReleasePath(d.Name, d.Sha256);
        if (!File.Exists(artifact) || !File.Exists(release))
        {
            return new UpdateRefusal(UpdateFailures.Download, $"the downloaded files are gone ({(File.Exists(release) ? artifact : release)})");
        }

        var (manifest, refusal) = await ReleaseVerifier.VerifyAsync(d, release, artifact, _settings.Trust, _settings.Board, _settings.AgentVersion, ServingEntry(d.Name), cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        return _host.FileSignatureProblems(manifest!.Entry, artifact) is { Count: > 0 } problems
            ? new UpdateRefusal(ReleaseRefusals.Mismatch, $"the ONNX file does not declare the tensors of its signed manifest: {string.Join("; ", problems)}")
            : null;
    }

    /// <summary>The entry the pipeline runs; while the candidate itself serves (a resumed activation), the previous one's is the reference.</summary>
    private Contracts.Catalog.ModelEntry? ServingEntry(string model) => _host.Serving(model);

    private Task FailAsync(string reason, string detail, CancellationToken cancellationToken) =>
        FireAsync(UpdateEvent.Failed, Failing(reason, detail), cancellationToken);

    private Func<UpdateJournal, UpdateJournal> BootLoop() => Failing(
        UpdateFailures.BootLoop,
        $"the agent started {_journal.Boots} times inside activation or probation of {_journal.Candidate}; the limit is {_settings.BootLimit}");

    private static Func<UpdateJournal, UpdateJournal> Failing(string reason, string detail, ProbationFigures? figures = null) =>
        j => j with { Reason = reason, Detail = detail, Figures = figures ?? j.Figures };

    /// <summary>Persists the transition (and <paramref name="change"/>), then writes its record.</summary>
    private async Task FireAsync(UpdateEvent updateEvent, Func<UpdateJournal, UpdateJournal> change, CancellationToken cancellationToken)
    {
        var from = _journal.State;
        var to = UpdateStateMachine.Next(from, updateEvent);
        var next = change(_journal) with { State = to };
        if (to == UpdateState.RollingBack)
        {
            next = next.Serving(next.Previous!);
        }

        var failing = to is UpdateState.RollingBack || (to is UpdateState.Failed);
        var step = new UpdateStep
        {
            From = from,
            To = to,
            Event = updateEvent,
            AtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Reason = failing ? next.Reason : null,
            Detail = failing ? next.Detail : null,
            RolledBack = to == UpdateState.RollingBack || (to == UpdateState.Failed && from == UpdateState.RollingBack),
            Figures = to is UpdateState.Committed or UpdateState.Failed ? next.Figures : null,
        };
        next = next with { Steps = [.. next.Steps, step] };
        await _store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _journal, next);
        var c = next.Candidate!;
        if (to == UpdateState.Failed)
        {
            // The candidate's files go, unless they serve or are the last-known-good.
            Prune(c.Name, next.ServingRelease(c.Name), next.Previous);
        }

        Log.Transition(_logger, next.Directive!.Campaign, c.Name, c.Version, UpdateStateMachine.Name(from), UpdateStateMachine.Name(to), step.Reason is { } r ? $" ({r}: {step.Detail})" : "");
        await ReportPendingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the records of the steps persisted but not yet reported, then persists how far it got.</summary>
    private async Task ReportPendingAsync(CancellationToken cancellationToken)
    {
        var j = _journal;
        if (j.Reported >= j.Steps.Count || j.Directive is null)
        {
            return;
        }

        for (var i = j.Reported; i < j.Steps.Count; i++)
        {
            await _evidence.RecordUpdateAsync(UpdateRecords.Of(j.Directive, j.Steps[i], j.Boots), cancellationToken).ConfigureAwait(false);
        }

        var reported = j with { Reported = j.Steps.Count };
        await _store.SaveAsync(reported, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _journal, reported);
    }

    /// <summary>Removes the files of <paramref name="model"/>'s releases other than the ones to keep.</summary>
    private void Prune(string model, params ReleaseRef?[] keep)
    {
        var dir = Path.Combine(_settings.ReleasesDirectory, model);
        if (!Directory.Exists(dir))
        {
            return;
        }

        var kept = keep.Where(k => k is { FromRelease: true }).Select(k => k!.Sha256).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var sha = Path.GetFileName(file).Split('.')[0];
            if (kept.Contains(sha))
            {
                continue;
            }

            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.CleanupFailed(_logger, file, e);
            }
        }
    }

    private sealed class ProgressSink(UpdateCoordinator owner) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => owner._progress = value;
    }
}
