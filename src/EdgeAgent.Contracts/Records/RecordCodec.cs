using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// Encodes a record to its bytes (compact UTF-8 JSON, fields in the fixed order of <see cref="EvidenceRecord"/>) and
/// reads them back with every field checked. The hash of a record is the SHA-256 of its bytes; the bytes travel
/// unchanged from the device's outbox through the batch to the hub, so no one ever re-encodes a record to check it.
/// </summary>
public static partial class RecordCodec
{
    /// <summary>Largest encoded record accepted (the hub refuses bigger ones as malformed).</summary>
    public const int MaxRecordBytes = 64 * 1024;

    public static byte[] Encode(EvidenceRecord record)
    {
        var problems = Problems(record);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"record {record.Seq} cannot be encoded: {string.Join("; ", problems)}", nameof(record));
        }

        return JsonSerializer.SerializeToUtf8Bytes(record, RecordJsonContext.Default.EvidenceRecord);
    }

    /// <summary>Reads a record's bytes, or explains why they are not a valid record.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out EvidenceRecord? record, out string? problem)
    {
        record = null;
        if (bytes.Length > MaxRecordBytes)
        {
            problem = $"record is {bytes.Length} bytes; at most {MaxRecordBytes} are accepted";
            return false;
        }

        try
        {
            record = JsonSerializer.Deserialize(bytes, RecordJsonContext.Default.EvidenceRecord);
        }
        catch (JsonException e)
        {
            problem = $"not a valid record: {e.Message}";
            return false;
        }

        if (record is null)
        {
            problem = "not a valid record: null";
            return false;
        }

        if (record.Version != EvidenceRecord.CurrentVersion)
        {
            problem = $"record version {record.Version}; this build reads version {EvidenceRecord.CurrentVersion}";
            record = null;
            return false;
        }

        var problems = Problems(record);
        problem = problems.Count == 0 ? null : string.Join("; ", problems);
        if (problem is not null)
        {
            record = null;
        }

        return problem is null;
    }

    /// <summary>Lower-case hex SHA-256 of a record's bytes: what the next record's <c>prev</c> holds.</summary>
    public static string Hash(ReadOnlySpan<byte> encoded) => Convert.ToHexStringLower(SHA256.HashData(encoded));

    private static List<string> Problems(EvidenceRecord r)
    {
        var p = new List<string>();
        if (!IsValidId(r.DeviceId))
        {
            p.Add($"device_id '{r.DeviceId}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (!IsValidId(r.ProductId))
        {
            p.Add($"product_id '{r.ProductId}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (r.Boot < 1)
        {
            p.Add($"boot {r.Boot} must be at least 1");
        }

        if (r.Seq < 1)
        {
            p.Add($"seq {r.Seq} must be at least 1");
        }

        if (r.MonoMs < 0)
        {
            p.Add($"mono_ms {r.MonoMs} must not be negative");
        }

        if (!TimeSources.All.Contains(r.TimeSource, StringComparer.Ordinal))
        {
            p.Add($"time_src '{r.TimeSource}' is not one of {string.Join(", ", TimeSources.All)}");
        }
        else if ((r.WallMs is null) != (r.TimeSource == TimeSources.None))
        {
            p.Add("wall_ms must be present exactly when time_src is not 'none'");
        }

        if (!RecordTypes.IsKnown(r.Type))
        {
            p.Add($"type '{r.Type}' is not a record type");
        }

        if (r.Data.ValueKind != JsonValueKind.Object)
        {
            p.Add($"data must be an object, not {r.Data.ValueKind}");
        }

        if (!HashPattern().IsMatch(r.Prev))
        {
            p.Add("prev must be 64 lower-case hex digits");
        }

        foreach (var (name, digest) in new[] { ("model", r.ModelDigest), ("fw", r.AgentDigest), ("config", r.ConfigDigest) })
        {
            if (!HashPattern().IsMatch(digest))
            {
                p.Add($"{name} must be a SHA-256 digest (64 lower-case hex digits)");
            }
        }

        return p;
    }

    /// <summary>True for a valid device or product id: 1-64 of A-Z a-z 0-9 . _ - (safe as an MQTT topic segment).</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    internal static partial Regex HashPattern();
}
