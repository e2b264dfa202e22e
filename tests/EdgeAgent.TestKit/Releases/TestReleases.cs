using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.TestKit.Releases;

/// <summary>
/// Release keys and signed releases for update tests: a manifest for an artifact's bytes and catalog entry, signed by a
/// key the test chooses (trusted, untrusted, revoked), and the directive that names it.
/// </summary>
public sealed class TestReleases : IDisposable
{
    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa OtherKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Trusts <see cref="Key"/> (and revokes the given key ids).</summary>
    public ReleaseTrust Trust(params string[] revoked) => new([Key], revoked);

    public static string KeyIdOf(ECDsa key) => Contracts.Records.Checkpoint.KeyIdOf(key);

    /// <summary>A manifest for <paramref name="artifact"/> with <paramref name="entry"/>'s tensors (its name and hash set to the release's).</summary>
    public static ReleaseManifest Manifest(string version, ReadOnlySpan<byte> artifact, ModelEntry entry, SelfTestVector selfTest, IReadOnlyList<string>? boards = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sha = Convert.ToHexStringLower(SHA256.HashData(artifact));
        return new ReleaseManifest
        {
            Name = entry.Name,
            Version = version,
            Sha256 = sha,
            Size = artifact.Length,
            Entry = entry with { Sha256 = sha },
            SelfTest = selfTest,
            Boards = boards ?? [],
        };
    }

    public SignedRelease Sign(ReleaseManifest manifest, ECDsa? key = null) => SignedRelease.Sign(manifest, key ?? Key);

    /// <summary>An install directive for <paramref name="manifest"/> served at the given URLs.</summary>
    public static ModelDirective Install(string campaign, ReleaseManifest manifest, ProbationPolicy? probation = null, string baseUrl = "http://127.0.0.1:9/") => new()
    {
        Campaign = campaign,
        Action = ModelDirective.Install,
        Name = manifest.Name,
        Version = manifest.Version,
        Sha256 = manifest.Sha256,
        Size = manifest.Size,
        ManifestUrl = $"{baseUrl}releases/{manifest.Name}/{manifest.Version}/release.json",
        ArtifactUrl = $"{baseUrl}artifacts/{manifest.Sha256}",
        Probation = probation ?? new ProbationPolicy(),
    };

    public static ModelDirective Rollback(ModelDirective install) => install with { Action = ModelDirective.Rollback };

    public void Dispose()
    {
        Key.Dispose();
        OtherKey.Dispose();
    }
}
