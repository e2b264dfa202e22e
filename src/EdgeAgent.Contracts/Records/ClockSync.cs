using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// The device's half of the <c>clock.sync</c> exchange, on <c>ea/v1/{product}/{device}/clock</c> at every connect: "my
/// boot <see cref="Boot"/>, monotonic time <see cref="MonoMs"/>". The hub answers at once with a <see cref="ClockSyncReply"/>.
/// </summary>
public sealed record ClockSyncRequest
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = 1;

    [JsonPropertyName("boot")]
    public required long Boot { get; init; }

    /// <summary>The device's <c>mono_ms</c> when it sent the request (t0).</summary>
    [JsonPropertyName("mono_ms")]
    public required long MonoMs { get; init; }

    public static byte[] Write(ClockSyncRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, RecordJsonContext.Default.ClockSyncRequest);

    public static bool TryRead(ReadOnlySpan<byte> payload, out ClockSyncRequest? request) =>
        ClockSyncJson.TryRead(payload, RecordJsonContext.Default.ClockSyncRequest, r => r.Version == 1 && r.Boot >= 1 && r.MonoMs >= 0, out request);
}

/// <summary>
/// The hub's answer on <c>ea/v1/{product}/{device}/cmd/clock</c>: the request echoed and the hub's wall clock when it
/// answered. The device, receiving it at t1, takes offset = hub_ms - (t0 + t1) / 2 with an error of ± (t1 - t0) / 2 and
/// writes the exchange down as a <c>clock.sync</c> evidence record, from which the hub anchors that boot's times.
/// </summary>
public sealed record ClockSyncReply
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = 1;

    [JsonPropertyName("boot")]
    public required long Boot { get; init; }

    /// <summary>The request's <c>mono_ms</c> (t0), echoed.</summary>
    [JsonPropertyName("mono_ms")]
    public required long MonoMs { get; init; }

    /// <summary>The hub's wall clock, Unix milliseconds, when it answered.</summary>
    [JsonPropertyName("hub_ms")]
    public required long HubMs { get; init; }

    public static byte[] Write(ClockSyncReply reply) => JsonSerializer.SerializeToUtf8Bytes(reply, RecordJsonContext.Default.ClockSyncReply);

    public static bool TryRead(ReadOnlySpan<byte> payload, out ClockSyncReply? reply) =>
        ClockSyncJson.TryRead(payload, RecordJsonContext.Default.ClockSyncReply, r => r.Version == 1 && r.Boot >= 1 && r.MonoMs >= 0 && r.HubMs > 0, out reply);
}

internal static class ClockSyncJson
{
    public static bool TryRead<T>(ReadOnlySpan<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, bool> valid, out T? value)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(payload, type);
        }
        catch (JsonException)
        {
            value = null;
        }

        if (value is not null && !valid(value))
        {
            value = null;
        }

        return value is not null;
    }
}
