using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// What a device publishes on <c>ea/v1/{product}/{device}/evt</c>: its records in sequence order, each embedded as
/// the exact bytes its hash was taken over, the tombstones of telemetry the device dropped in that range (seq and hash
/// only, so the chain still links across them), and a checkpoint signed over the last entry (FORMAT.md).
/// </summary>
public sealed class RecordBatch
{
    public const int CurrentVersion = 1;

    /// <summary>Largest batch payload the hub reads.</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    private RecordBatch(string deviceId, string productId, IReadOnlyList<byte[]> records, IReadOnlyList<Tombstone> dropped, Checkpoint checkpoint)
    {
        DeviceId = deviceId;
        ProductId = productId;
        Records = records;
        Dropped = dropped;
        Checkpoint = checkpoint;
    }

    public string DeviceId { get; }

    public string ProductId { get; }

    /// <summary>Each record's bytes, exactly as the device encoded them.</summary>
    public IReadOnlyList<byte[]> Records { get; }

    /// <summary>Telemetry the device dropped within this batch's range: each one's seq and hash, in seq order.</summary>
    public IReadOnlyList<Tombstone> Dropped { get; }

    public Checkpoint Checkpoint { get; }

    /// <summary>Writes a batch payload with no tombstones. The records are embedded byte for byte.</summary>
    public static byte[] Write(string deviceId, string productId, IEnumerable<ReadOnlyMemory<byte>> records, Checkpoint checkpoint) =>
        Write(deviceId, productId, records, [], checkpoint);

    /// <summary>
    /// Writes a batch payload. The records are embedded byte for byte; <paramref name="dropped"/> (possibly empty) is
    /// written as <c>"dropped"</c> only when it has entries, so a batch without drops reads as in FORMAT.md's example.
    /// </summary>
    public static byte[] Write(string deviceId, string productId, IEnumerable<ReadOnlyMemory<byte>> records, IReadOnlyCollection<Tombstone> dropped, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dropped);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", CurrentVersion);
            json.WriteString("device_id", deviceId);
            json.WriteString("product_id", productId);
            json.WriteStartArray("records");
            foreach (var r in records)
            {
                json.WriteRawValue(r.Span);
            }

            json.WriteEndArray();
            if (dropped.Count > 0)
            {
                json.WriteStartArray("dropped");
                foreach (var t in dropped)
                {
                    JsonSerializer.Serialize(json, t, RecordJsonContext.Default.Tombstone);
                }

                json.WriteEndArray();
            }

            json.WritePropertyName("checkpoint");
            JsonSerializer.Serialize(json, checkpoint, RecordJsonContext.Default.Checkpoint);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a batch payload: its shape, version and size. The records are returned as their exact bytes, not yet
    /// decoded or verified; <paramref name="reason"/> is one of <see cref="RejectionReasons"/> when it fails.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RecordBatch? batch, out string? reason, out string? detail)
    {
        batch = null;
        if (payload.Length > MaxBatchBytes)
        {
            (reason, detail) = (RejectionReasons.Oversized, $"batch is {payload.Length} bytes; at most {MaxBatchBytes} are read");
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number)
            {
                (reason, detail) = (RejectionReasons.Malformed, "a batch is an object with \"v\", \"device_id\", \"product_id\", \"records\" and \"checkpoint\"");
                return false;
            }

            if (v.GetInt32() != CurrentVersion)
            {
                (reason, detail) = (RejectionReasons.SchemaVersion, $"batch version {v.GetRawText()}; this hub reads version {CurrentVersion}");
                return false;
            }

            if (!root.TryGetProperty("device_id", out var device) || device.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("product_id", out var product) || product.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array ||
                !root.TryGetProperty("checkpoint", out var checkpointElement))
            {
                (reason, detail) = (RejectionReasons.Malformed, "missing or mistyped device_id, product_id, records (an array) or checkpoint");
                return false;
            }

            var dropped = new List<Tombstone>();
            if (root.TryGetProperty("dropped", out var droppedElement))
            {
                if (droppedElement.ValueKind != JsonValueKind.Array)
                {
                    (reason, detail) = (RejectionReasons.Malformed, "dropped must be an array of {\"seq\",\"hash\"}");
                    return false;
                }

                foreach (var t in droppedElement.EnumerateArray())
                {
                    var tombstone = t.Deserialize(RecordJsonContext.Default.Tombstone);
                    if (tombstone is null || tombstone.Seq < 1 || !RecordCodec.HashPattern().IsMatch(tombstone.Hash))
                    {
                        (reason, detail) = (RejectionReasons.Malformed, $"dropped entry {t.GetRawText()} needs a seq of at least 1 and a 64-hex-digit hash");
                        return false;
                    }

                    dropped.Add(tombstone);
                }
            }

            if (records.GetArrayLength() + dropped.Count == 0)
            {
                (reason, detail) = (RejectionReasons.Malformed, "a batch carries at least one record or tombstone");
                return false;
            }

            var checkpoint = checkpointElement.Deserialize(RecordJsonContext.Default.Checkpoint);
            if (checkpoint is null)
            {
                (reason, detail) = (RejectionReasons.Malformed, "checkpoint is null");
                return false;
            }

            var raw = new List<byte[]>(records.GetArrayLength());
            foreach (var r in records.EnumerateArray())
            {
                raw.Add(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(r).ToArray());
            }

            batch = new RecordBatch(device.GetString()!, product.GetString()!, raw, dropped, checkpoint);
            (reason, detail) = (null, null);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            (reason, detail) = (RejectionReasons.Malformed, e.Message);
            return false;
        }
    }
}

/// <summary>
/// What is left in the chain of a telemetry record the device dropped to stay within its disk budget: its seq and hash.
/// The next record's <c>prev</c> still names the hash, so the chain links across the drop; the content is gone by design,
/// and a later <c>telemetry.dropped</c> evidence record counts it.
/// </summary>
public sealed record Tombstone
{
    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("hash")]
    public required string Hash { get; init; }
}
