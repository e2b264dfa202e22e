using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Device.Updates;

/// <summary>
/// The releases installed on disk, checked again whenever one is loaded (at start, and when rolling back to it): the
/// signature of its <c>release.json</c> by a trusted, unrevoked key, the manifest naming the expected hash, and the
/// artifact hashing to it. Gives the entry to load it with: the manifest's, with the manifest's self-test vector.
/// </summary>
internal sealed class InstalledReleases(UpdateSettings settings)
{
    public UpdateSettings Settings { get; } = settings;

    /// <exception cref="ModelRefusedException">A file is missing, unsigned, or not the release's.</exception>
    public async Task<(ModelEntry Entry, string Path)> CheckAsync(ReleaseRef release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        var artifact = Settings.ArtifactPath(release.Name, release.Sha256);
        var releaseFile = Settings.ReleasePath(release.Name, release.Sha256);
        if (!File.Exists(artifact) || !File.Exists(releaseFile))
        {
            throw new ModelRefusedException(release.Name, [$"installed release {release} is missing {(File.Exists(artifact) ? releaseFile : artifact)}"]);
        }

        ReleaseCheck check;
        try
        {
            check = Settings.Trust.Check(SignedRelease.Parse(await File.ReadAllBytesAsync(releaseFile, cancellationToken).ConfigureAwait(false)));
        }
        catch (JsonException e)
        {
            throw new ModelRefusedException(release.Name, [$"{releaseFile} is not a signed release: {e.Message}"]);
        }

        if (check.Manifest is not { } manifest)
        {
            throw new ModelRefusedException(release.Name, [$"{releaseFile} refused ({check.Refusal}): {check.Reason}"]);
        }

        if (manifest.Sha256 != release.Sha256 || manifest.Name != release.Name)
        {
            throw new ModelRefusedException(release.Name, [$"{releaseFile} is the manifest of {manifest.Name} {manifest.Sha256}, not of {release}"]);
        }

        var actual = await ModelCache.Sha256OfFileAsync(artifact, cancellationToken).ConfigureAwait(false);
        if (actual != release.Sha256)
        {
            throw new ModelRefusedException(release.Name, [$"{artifact} has sha256 {actual}; the release gives {release.Sha256}"]);
        }

        return (EntryOf(manifest), artifact);
    }

    /// <summary>The entry a release is loaded with: the manifest's entry and self-test vector.</summary>
    public static ModelEntry EntryOf(ReleaseManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Entry with { SelfTest = manifest.SelfTest };
    }
}
