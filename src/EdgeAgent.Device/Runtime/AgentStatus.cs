using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Device.Runtime;

/// <summary>What <c>edgeagent status</c> shows: written by the running agent to <c>status.json</c> in its state directory.</summary>
internal sealed record AgentStatus
{
    [JsonPropertyName("updated_ms")]
    public required long UpdatedMs { get; init; }

    [JsonPropertyName("pid")]
    public required int Pid { get; init; }

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("boot")]
    public required long Boot { get; init; }

    [JsonPropertyName("head_seq")]
    public required long HeadSeq { get; init; }

    [JsonPropertyName("broker")]
    public required string Broker { get; init; }

    [JsonPropertyName("connected")]
    public required bool Connected { get; init; }

    [JsonPropertyName("sent_seq")]
    public required long SentSeq { get; init; }

    [JsonPropertyName("acked_seq")]
    public required long AckedSeq { get; init; }

    [JsonPropertyName("last_ack_ms")]
    public long? LastAckMs { get; init; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    [JsonPropertyName("reconnects")]
    public required long Reconnects { get; init; }

    [JsonPropertyName("evidence_records")]
    public required long EvidenceRecords { get; init; }

    [JsonPropertyName("evidence_bytes")]
    public required long EvidenceBytes { get; init; }

    [JsonPropertyName("telemetry_records")]
    public required long TelemetryRecords { get; init; }

    [JsonPropertyName("telemetry_bytes")]
    public required long TelemetryBytes { get; init; }

    [JsonPropertyName("time_src")]
    public required string TimeSource { get; init; }

    /// <summary>The model update state (<c>idle</c> when none ever ran), as the <c>model.update</c> records spell it.</summary>
    [JsonPropertyName("update_state")]
    public string UpdateState { get; init; } = "idle";

    /// <summary>The update's campaign, model and version, e.g. <c>c-7 silero-vad 5.1.0</c>; null when none ever ran.</summary>
    [JsonPropertyName("update")]
    public string? Update { get; init; }

    /// <summary>Why the last update failed, if it did.</summary>
    [JsonPropertyName("update_reason")]
    public string? UpdateReason { get; init; }

    /// <summary>Bytes of the download in progress, and of how many.</summary>
    [JsonPropertyName("update_download")]
    public string? UpdateDownload { get; init; }

    /// <summary>The operating mode the product profile's rules detect now (e.g. <c>worn</c>); null without a product profile.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>The faults raised and not cleared, e.g. <c>battery.low, sensor.missing env</c>; null when none.</summary>
    [JsonPropertyName("faults")]
    public string? Faults { get; init; }

    /// <summary>What the status LED shows (booting, connected, offline_backlog, updating, fault); null without one.</summary>
    [JsonPropertyName("led")]
    public string? Led { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, AgentStatusJsonContext.Default.AgentStatus);

    public static AgentStatus? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentStatusJsonContext.Default.AgentStatus);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AgentStatus))]
internal sealed partial class AgentStatusJsonContext : JsonSerializerContext;
