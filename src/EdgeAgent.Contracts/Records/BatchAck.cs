using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// The hub's answer to a batch, on <c>.../ack</c>: the highest sequence up to which it has durably stored every record
/// of the device with no gap. The device deletes records from its outbox only up to <see cref="AckedSeq"/>.
/// </summary>
public sealed record BatchAck
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = 1;

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("acked_seq")]
    public required long AckedSeq { get; init; }

    /// <summary>Records the hub flagged and keeps but never counts, with the reason.</summary>
    [JsonPropertyName("rejected")]
    public IReadOnlyList<RejectedRecord> Rejected { get; init; } = [];

    public static byte[] Write(BatchAck ack) => JsonSerializer.SerializeToUtf8Bytes(ack, RecordJsonContext.Default.BatchAck);

    /// <summary>Reads an acknowledgement; false (with why) for anything that is not one of this version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out BatchAck? ack, out string? problem)
    {
        try
        {
            ack = JsonSerializer.Deserialize(payload, RecordJsonContext.Default.BatchAck);
        }
        catch (JsonException e)
        {
            (ack, problem) = (null, $"not an acknowledgement: {e.Message}");
            return false;
        }

        problem = ack switch
        {
            null => "not an acknowledgement: null",
            { Version: not 1 } => $"acknowledgement version {ack.Version}; this build reads version 1",
            { AckedSeq: < 0 } => $"acked_seq {ack.AckedSeq} is negative",
            _ when !RecordCodec.IsValidId(ack.DeviceId) => $"device_id '{ack.DeviceId}' is not a device id",
            _ => null,
        };
        if (problem is not null)
        {
            ack = null;
        }

        return problem is null;
    }
}

/// <summary>A record the hub did not accept, and why (one of <see cref="RejectionReasons"/>).</summary>
public sealed record RejectedRecord
{
    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}

/// <summary>Why the hub flags a record or a batch; each has a counter at the hub.</summary>
public static class RejectionReasons
{
    public const string Malformed = "malformed";
    public const string SchemaVersion = "schema_version";
    public const string Oversized = "oversized";
    public const string UnknownDevice = "unknown_device";
    public const string BadSignature = "bad_signature";
    public const string BrokenChain = "broken_chain";
    public const string Gap = "gap";
    public const string Replay = "replay";
    public const string WrongTopic = "wrong_topic";

    /// <summary>Every reason, for counters and reports.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Malformed, SchemaVersion, Oversized, UnknownDevice, BadSignature, BrokenChain, Gap, Replay, WrongTopic];
}
