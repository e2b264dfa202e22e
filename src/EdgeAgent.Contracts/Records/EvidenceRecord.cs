using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// One record of a device's ledger (FORMAT.md beside this file). Field names follow ../shared/EVIDENCE.md. A record is
/// encoded once, on the device, by <see cref="RecordCodec"/>; its hash is the SHA-256 of exactly those bytes, and the
/// next record's <see cref="Prev"/> names it, so the chain can be checked by anyone holding the bytes.
/// </summary>
public sealed record EvidenceRecord
{
    /// <summary>The record format version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The <see cref="Prev"/> of a device's first record: 64 zeros.</summary>
    public static readonly string GenesisPrev = new('0', 64);

    [JsonPropertyName("v")]
    public required int Version { get; init; }

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("product_id")]
    public required string ProductId { get; init; }

    /// <summary>Persisted boot counter, +1 at every start.</summary>
    [JsonPropertyName("boot")]
    public required long Boot { get; init; }

    /// <summary>Strictly increasing per device, never reused, survives restarts. With <see cref="DeviceId"/> the dedupe key.</summary>
    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    /// <summary>Milliseconds since this boot from the monotonic clock; durations come from here only.</summary>
    [JsonPropertyName("mono_ms")]
    public required long MonoMs { get; init; }

    /// <summary>Unix milliseconds if a wall clock is known, else absent.</summary>
    [JsonPropertyName("wall_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? WallMs { get; init; }

    /// <summary>One of <see cref="TimeSources.All"/>.</summary>
    [JsonPropertyName("time_src")]
    public required string TimeSource { get; init; }

    /// <summary>One of <see cref="RecordTypes.All"/>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The event's fields (an object).</summary>
    [JsonPropertyName("data")]
    public required JsonElement Data { get; init; }

    /// <summary>Digest of the model(s) active when the record was made.</summary>
    [JsonPropertyName("model")]
    public required string ModelDigest { get; init; }

    /// <summary>Digest of the agent build.</summary>
    [JsonPropertyName("fw")]
    public required string AgentDigest { get; init; }

    /// <summary>Digest of the configuration.</summary>
    [JsonPropertyName("config")]
    public required string ConfigDigest { get; init; }

    /// <summary>Hash of the previous record of this device, or <see cref="GenesisPrev"/>.</summary>
    [JsonPropertyName("prev")]
    public required string Prev { get; init; }
}
