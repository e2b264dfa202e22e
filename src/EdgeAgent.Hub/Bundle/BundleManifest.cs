using System.Text.Json.Serialization;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// What the hub signs in an evidence bundle (<c>manifest.json</c>, signature in <c>manifest.sig</c>): the scope, each
/// device with the key the hub enrolled and the chain head it exported, and the SHA-256 of every other file (and of
/// every line of line-oriented inputs, so a changed import line is found by its number). See BUNDLE.md.
/// </summary>
internal sealed record BundleManifest
{
    public const string FormatName = "edgehub-evidence-bundle";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")]
    public required string Format { get; init; }

    [JsonPropertyName("v")]
    public required int Version { get; init; }

    [JsonPropertyName("created_ms")]
    public required long CreatedMs { get; init; }

    [JsonPropertyName("year")]
    public required int Year { get; init; }

    [JsonPropertyName("product_id")]
    public required string ProductId { get; init; }

    /// <summary>Key id of the hub evidence key that signed this manifest.</summary>
    [JsonPropertyName("hub_key_id")]
    public required string HubKeyId { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<BundleDevice> Devices { get; init; }

    [JsonPropertyName("files")]
    public required IReadOnlyList<BundleFile> Files { get; init; }
}

/// <summary>A device in the bundle: its enrolled key and the head of the chain exported.</summary>
internal sealed record BundleDevice
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("product_id")]
    public required string ProductId { get; init; }

    /// <summary>Key id of the public key the hub enrolled for the device.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    [JsonPropertyName("head_seq")]
    public required long HeadSeq { get; init; }

    [JsonPropertyName("head_hash")]
    public required string HeadHash { get; init; }

    /// <summary>How many batches for the device's serial failed its enrolled key's signature (the reports' one-serial-on-two-keys rule).</summary>
    [JsonPropertyName("bad_signature_batches")]
    public required long BadSignatureBatches { get; init; }
}

/// <summary>A file of the bundle and its digest; <see cref="Lines"/> holds a SHA-256 per line for line-oriented inputs.</summary>
internal sealed record BundleFile
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("bytes")]
    public required long Bytes { get; init; }

    [JsonPropertyName("lines")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Lines { get; init; }
}

/// <summary>A dropped-telemetry entry in <c>entries.ndjson</c>: <c>{"dropped":{"seq":N,"hash":"..."}}</c>.</summary>
internal sealed record BundleTombstoneLine
{
    [JsonPropertyName("dropped")]
    public required Contracts.Records.Tombstone Dropped { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(IReadOnlyList<Contracts.Records.Checkpoint>))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
