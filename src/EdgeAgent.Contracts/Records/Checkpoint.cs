using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// A device's signature over the head of its chain: "my record <see cref="Seq"/> has hash <see cref="Hash"/>". Since
/// every record names its predecessor's hash, one valid checkpoint vouches for every record up to it. Signed with the
/// device's ECDSA P-256 key (SHA-256, IEEE P1363 r‖s, base64) over <see cref="SignedText"/>.
/// </summary>
public sealed record Checkpoint
{
    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("hash")]
    public required string Hash { get; init; }

    /// <summary>First 16 hex digits of the SHA-256 of the signing key's SubjectPublicKeyInfo.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    [JsonPropertyName("sig")]
    public required string Signature { get; init; }

    /// <summary>Exactly what is signed: domain, device, seq and hash on separate lines.</summary>
    public static byte[] SignedText(string deviceId, long seq, string hash) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"ea/v1/checkpoint\n{deviceId}\n{seq}\n{hash}"));

    public static Checkpoint Sign(ECDsa deviceKey, string deviceId, long seq, string hash) => Sign(deviceKey, KeyIdOf(deviceKey), deviceId, seq, hash);

    /// <summary>As <see cref="Sign(ECDsa, string, long, string)"/> with the key's <see cref="KeyIdOf"/> known (it costs an export and a hash).</summary>
    public static Checkpoint Sign(ECDsa deviceKey, string keyId, string deviceId, long seq, string hash)
    {
        ArgumentNullException.ThrowIfNull(deviceKey);
        var signature = deviceKey.SignData(SignedText(deviceId, seq, hash), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new Checkpoint { Seq = seq, Hash = hash, KeyId = keyId, Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>True when <paramref name="publicKey"/> signed this checkpoint for <paramref name="deviceId"/>.</summary>
    public bool VerifiedBy(ECDsa publicKey, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> signature = stackalloc byte[128];
        return Convert.TryFromBase64String(Signature, signature, out var length)
            && publicKey.VerifyData(SignedText(deviceId, Seq, Hash), signature[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }
}
