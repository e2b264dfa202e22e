using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Updates;

/// <summary>A release loaded into the standby slot (one session per pipeline slot of its model), self-test passed.</summary>
public interface IStagedRelease : IDisposable
{
    ReleaseRef Release { get; }
}

/// <summary>
/// The models in service, as the update coordinator sees them (the device implements it over the pipelines' swappable
/// sessions and the ONNX loader).
/// </summary>
public interface IUpdateHost
{
    /// <summary>The catalog entry of the version of <paramref name="model"/> in service; null when no pipeline runs it.</summary>
    ModelEntry? Serving(string model);

    /// <summary>How the tensors the ONNX file declares differ from <paramref name="entry"/>; empty when they agree.</summary>
    IReadOnlyList<string> FileSignatureProblems(ModelEntry entry, string artifactPath);

    /// <summary>Loads the release into standby sessions and runs its self-test vector on each.</summary>
    /// <exception cref="Inference.ModelRefusedException">It cannot be loaded or fails its self-test.</exception>
    Task<IStagedRelease> StageAsync(ReleaseManifest manifest, string artifactPath, CancellationToken cancellationToken);

    /// <summary>The figures of the version in service since it was put into service (the baseline probation compares against).</summary>
    CallFigures? Baseline(string model);

    /// <summary>The atomic swap: the staged sessions serve new calls; returns the new version's window.</summary>
    CallWindow Activate(IStagedRelease staged);

    /// <summary>The window of the version in service (after a restart in probation); null when no pipeline runs it.</summary>
    CallWindow? Window(string model);

    /// <summary>Puts <paramref name="target"/> back into service (does nothing when it serves already).</summary>
    Task RestoreAsync(ReleaseRef target, CancellationToken cancellationToken);
}

/// <summary>Where the update's evidence goes: the device ledger (and the device's record of its active models).</summary>
public interface IUpdateEvidence
{
    /// <summary>Appends one <c>model.update</c> record.</summary>
    Task RecordUpdateAsync(JsonElement data, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="now"/> serves its model: writes <c>model.changed</c> (reason <c>update</c> or <c>rollback</c>, the
    /// model-set digests before and after, the models map), sets the ledger's model digest and the active-models file.
    /// </summary>
    Task ModelChangedAsync(string reason, ReleaseRef now, CancellationToken cancellationToken);
}

/// <summary>The device facts and settings an update is judged by.</summary>
/// <param name="ReleasesDirectory">Releases live at <c>{dir}/{name}/{sha256}.onnx</c> and <c>{dir}/{name}/{sha256}.release.json</c>.</param>
/// <param name="Trust">The release keys trusted and revoked.</param>
/// <param name="Board">This device's board profile.</param>
/// <param name="AgentVersion">This agent's version (MAJOR.MINOR.PATCH).</param>
/// <param name="BootLimit">Starts inside Activating/Probation after which the update is rolled back (<c>boot.loop</c>).</param>
public sealed record UpdateSettings(string ReleasesDirectory, ReleaseTrust Trust, string Board, string AgentVersion, int BootLimit = 3)
{
    /// <summary>The largest <c>release.json</c> fetched.</summary>
    public const long MaxReleaseBytes = 1 << 20;

    public string ArtifactPath(string name, string sha256) => Path.Combine(ReleasesDirectory, name, sha256 + ".onnx");

    public string ReleasePath(string name, string sha256) => Path.Combine(ReleasesDirectory, name, sha256 + ".release.json");
}

/// <summary>Where the MQTT adapter hands a model directive it received (the update coordinator).</summary>
public interface IModelDirectiveSink
{
    /// <summary>Never blocks; any thread.</summary>
    void Offer(ModelDirective directive);
}
