using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Contracts.Releases;

/// <summary>
/// A release as the hub serves it (<c>release.json</c>): the manifest's exact JSON bytes (base64), the id of the release
/// key that signed them and the ECDSA P-256 signature (IEEE P1363, SHA-256) over <c>ea/v1/release\n</c> followed by
/// those bytes. The signature covers bytes, not a re-serialisation, so every reader checks what the signer signed.
/// </summary>
public sealed record SignedRelease
{
    public const int CurrentSchema = 1;

    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("ea/v1/release\n");

    [JsonPropertyName("schema")]
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>The manifest's JSON bytes, base64.</summary>
    [JsonPropertyName("manifest")]
    public required string Manifest { get; init; }

    /// <summary>The signing key's id: the first 16 hex digits of SHA-256 of its SubjectPublicKeyInfo.</summary>
    [JsonPropertyName("key")]
    public required string KeyId { get; init; }

    /// <summary>Base64 of the 64-byte P1363 signature.</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>Signs <paramref name="manifest"/> with the release key <paramref name="releaseKey"/> (ECDSA P-256).</summary>
    /// <exception cref="ArgumentException">The manifest has problems, or the key is not P-256.</exception>
    public static SignedRelease Sign(ReleaseManifest manifest, ECDsa releaseKey)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(releaseKey);
        if (manifest.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException($"the manifest is not valid: {string.Join("; ", problems)}", nameof(manifest));
        }

        if (releaseKey.KeySize != 256)
        {
            throw new ArgumentException($"a release key must be ECDSA P-256; this one has {releaseKey.KeySize} bits", nameof(releaseKey));
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseJsonContext.Default.ReleaseManifest);
        var signature = releaseKey.SignData(SignedBytes(bytes), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedRelease { Manifest = Convert.ToBase64String(bytes), KeyId = Checkpoint.KeyIdOf(releaseKey), Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>True when <paramref name="publicKey"/> made this signature over the manifest bytes.</summary>
    public bool SignedBy(ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!TryDecode(Manifest, out var bytes) || !TryDecode(Signature, out var signature))
        {
            return false;
        }

        return publicKey.VerifyData(SignedBytes(bytes), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The manifest, read strictly (unknown fields are errors); null with <paramref name="error"/> when it is not one.</summary>
    public ReleaseManifest? ReadManifest(out string? error)
    {
        if (!TryDecode(Manifest, out var bytes))
        {
            error = "manifest is not base64";
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(bytes, ReleaseJsonContext.Default.ReleaseManifest);
            error = manifest is null ? "manifest is empty" : null;
            return manifest;
        }
        catch (JsonException e)
        {
            error = $"manifest is not a release manifest: {e.Message}";
            return null;
        }
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ReleaseJsonContext.Default.SignedRelease);

    /// <exception cref="JsonException">Not a signed release.</exception>
    public static SignedRelease Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, ReleaseJsonContext.Default.SignedRelease) ?? throw new JsonException("release.json is empty");

    private static byte[] SignedBytes(byte[] manifest) => [.. Domain, .. manifest];

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(base64);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
