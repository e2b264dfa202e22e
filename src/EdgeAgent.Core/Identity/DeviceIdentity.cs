using System.Text.Json.Serialization;

namespace EdgeAgent.Core.Identity;

/// <summary>Who this device is: written once by <c>edgeagent provision</c> into <c>identity.json</c> in the state directory.</summary>
public sealed record DeviceIdentity
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("product_id")]
    public required string ProductId { get; init; }

    /// <summary>Key id of the device key (first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo).</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    /// <summary>Unix milliseconds when the key was created, if the clock was known.</summary>
    [JsonPropertyName("provisioned_ms")]
    public required long ProvisionedMs { get; init; }

    /// <summary>The owner agreed to collection at provisioning; no record is made without it.</summary>
    [JsonPropertyName("consent")]
    public required bool Consent { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DeviceIdentity))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
