using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Contracts.Releases;

/// <summary>Why a release was refused; the codes are stable (they travel in <c>model.update</c> records).</summary>
public static class ReleaseRefusals
{
    public const string Malformed = "release.malformed";
    public const string Schema = "release.schema";
    public const string UntrustedKey = "key.untrusted";
    public const string RevokedKey = "key.revoked";
    public const string BadSignature = "signature.bad";
    public const string Mismatch = "release.mismatch";
}

/// <summary>The outcome of <see cref="ReleaseTrust.Check"/>: the manifest, or the refusal code and a message saying why.</summary>
public sealed record ReleaseCheck(ReleaseManifest? Manifest, string? Refusal, string? Reason)
{
    public bool Accepted => Manifest is not null;

    internal static ReleaseCheck Refused(string code, string reason) => new(null, code, reason);
}

/// <summary>
/// The release keys a device trusts: several at once (rotation: a new key is trusted before the old one stops signing),
/// and key ids that are revoked (a revoked key's releases are refused even when the key is still listed).
/// </summary>
public sealed class ReleaseTrust
{
    private readonly Dictionary<string, ECDsa> _keys;
    private readonly HashSet<string> _revoked;

    public ReleaseTrust(IEnumerable<ECDsa> trustedKeys, IEnumerable<string> revokedKeyIds)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        ArgumentNullException.ThrowIfNull(revokedKeyIds);
        _keys = trustedKeys.ToDictionary(Checkpoint.KeyIdOf, StringComparer.Ordinal);
        _revoked = new HashSet<string>(revokedKeyIds, StringComparer.Ordinal);
    }

    /// <summary>Reads public keys from PEM files (SubjectPublicKeyInfo or a certificate-free EC key).</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="ArgumentException">A file holds no ECDSA P-256 public key; the message names it.</exception>
    public static ReleaseTrust FromPemFiles(IEnumerable<string> publicKeyFiles, IEnumerable<string> revokedKeyIds)
    {
        var keys = new List<ECDsa>();
        foreach (var file in publicKeyFiles)
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(file));
            }
            catch (ArgumentException e)
            {
                key.Dispose();
                throw new ArgumentException($"{file}: not an ECDSA public key in PEM: {e.Message}", nameof(publicKeyFiles), e);
            }

            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new ArgumentException($"{file}: a release key must be ECDSA P-256; this one has {key.KeySize} bits", nameof(publicKeyFiles));
            }

            keys.Add(key);
        }

        return new ReleaseTrust(keys, revokedKeyIds);
    }

    public IReadOnlyCollection<string> TrustedKeyIds => _keys.Keys;

    public IReadOnlyCollection<string> RevokedKeyIds => _revoked;

    /// <summary>Checks the signature (by a trusted, unrevoked key) and then the manifest's own fields.</summary>
    public ReleaseCheck Check(SignedRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (release.Schema != SignedRelease.CurrentSchema)
        {
            return ReleaseCheck.Refused(ReleaseRefusals.Schema, $"release schema {release.Schema} is not supported; this agent reads schema {SignedRelease.CurrentSchema}");
        }

        if (_revoked.Contains(release.KeyId))
        {
            return ReleaseCheck.Refused(ReleaseRefusals.RevokedKey, $"release key {release.KeyId} is revoked");
        }

        if (!_keys.TryGetValue(release.KeyId, out var key))
        {
            return ReleaseCheck.Refused(ReleaseRefusals.UntrustedKey, $"release key {release.KeyId} is not trusted (trusted: {string.Join(", ", _keys.Keys.Order(StringComparer.Ordinal).DefaultIfEmpty("none"))})");
        }

        if (!release.SignedBy(key))
        {
            return ReleaseCheck.Refused(ReleaseRefusals.BadSignature, $"the release signature does not verify with key {release.KeyId}");
        }

        var manifest = release.ReadManifest(out var error);
        if (manifest is null)
        {
            return ReleaseCheck.Refused(ReleaseRefusals.Malformed, error!);
        }

        if (manifest.Problems() is { Count: > 0 } problems)
        {
            return ReleaseCheck.Refused(manifest.Schema != ReleaseManifest.CurrentSchema ? ReleaseRefusals.Schema : ReleaseRefusals.Malformed, string.Join("; ", problems));
        }

        return new ReleaseCheck(manifest, null, null);
    }
}
