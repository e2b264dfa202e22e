using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Updates;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.Inference.Onnx.Signatures;

namespace EdgeAgent.Device.Updates;

/// <summary>
/// The update coordinator's view of the running pipelines: the swappable sessions registered by the pipelines' jobs,
/// loaded with the ONNX loader (signature and self-test checked at every load). A model run by several pipelines has a
/// session each; staging loads one standby session per pipeline and the swap replaces them all; probation watches the
/// first pipeline's.
/// </summary>
internal sealed class ModelUpdateHost(SessionRegistry sessions, OnnxModelLoader loader, InstalledReleases releases, ModelCatalog? catalog, ModelCache cache) : IUpdateHost
{
    public ModelEntry? Serving(string model) => sessions.Of(model) is [var first, ..] ? first.Entry : null;

    public IReadOnlyList<string> FileSignatureProblems(ModelEntry entry, string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            var (inputs, outputs) = OnnxSignatureReader.Read(artifactPath);
            return [.. SignatureCheck.Compare("input", entry.Inputs, inputs), .. SignatureCheck.Compare("output", entry.Outputs, outputs)];
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            return [$"ONNX Runtime cannot read {artifactPath}: {e.Message}"];
        }
    }

    public Task<IStagedRelease> StageAsync(ReleaseManifest manifest, string artifactPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var entry = InstalledReleases.EntryOf(manifest);
        var release = new ReleaseRef { Name = manifest.Name, Version = manifest.Version, Sha256 = manifest.Sha256 };
        return Task.FromResult<IStagedRelease>(new Staged(release, LoadEach(manifest.Name, entry, artifactPath)));
    }

    public CallFigures? Baseline(string model) => sessions.Of(model) is [var first, ..] ? first.Window.Figures : null;

    public CallWindow Activate(IStagedRelease staged)
    {
        var s = (Staged)staged;
        var slots = sessions.Of(s.Release.Name);
        if (slots.Count != s.Sessions.Count)
        {
            throw new InvalidOperationException($"{slots.Count} pipeline(s) run {s.Release.Name} now; {s.Sessions.Count} standby session(s) were staged");
        }

        var windows = new List<CallWindow>();
        for (var i = 0; i < slots.Count; i++)
        {
            slots[i].Swap(s.Sessions[i], s.Release.Version);
            windows.Add(slots[i].Window);
        }

        s.Sessions.Clear(); // the slots own them now
        return windows[0];
    }

    public CallWindow? Window(string model) => sessions.Of(model) is [var first, ..] ? first.Window : null;

    public async Task RestoreAsync(ReleaseRef target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var slots = sessions.Of(target.Name).Where(s => s.Sha256 != target.Sha256).ToList();
        if (slots.Count == 0)
        {
            return;
        }

        ModelEntry entry;
        string path;
        if (target.FromRelease)
        {
            (entry, path) = await releases.CheckAsync(target, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            entry = catalog?.Find(target.Name) ?? throw new ModelRefusedException(target.Name, [$"model {target.Name} is not in the catalog"]);
            var states = await cache.CheckAsync(entry, cancellationToken).ConfigureAwait(false);
            if (states.FirstOrDefault(f => f.File.Role == "model") is not { State: CachedFileState.Verified } file)
            {
                throw new ModelRefusedException(target.Name, [$"the catalog pin of {target.Name} is not in the cache verified"]);
            }

            path = file.File.LocalPath;
        }

        foreach (var slot in slots)
        {
            slot.Swap(loader.Load(entry, path), target.FromRelease ? target.Version : "");
        }
    }

    private List<IInferenceSession> LoadEach(string model, ModelEntry entry, string path)
    {
        var loaded = new List<IInferenceSession>();
        try
        {
            foreach (var _ in sessions.Of(model))
            {
                loaded.Add(loader.Load(entry, path));
            }
        }
        catch
        {
            loaded.ForEach(s => s.Dispose());
            throw;
        }

        return loaded;
    }

    private sealed class Staged(ReleaseRef release, List<IInferenceSession> sessions) : IStagedRelease
    {
        public ReleaseRef Release { get; } = release;

        public List<IInferenceSession> Sessions { get; } = sessions;

        public void Dispose()
        {
            Sessions.ForEach(s => s.Dispose());
            Sessions.Clear();
        }
    }
}
