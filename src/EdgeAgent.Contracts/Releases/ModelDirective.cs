using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Releases;

/// <summary>
/// The hub's desired model state for one device, published retained on <c>ea/v1/{product}/{device}/cmd/model</c>
/// (<see cref="Records.Topics.ModelCommand"/>), so a device that was offline finds it when it reconnects. The device
/// acts on a directive once per (<see cref="Campaign"/>, <see cref="Action"/>): <c>install</c> takes the release through
/// download, verification, staging, activation and probation; <c>rollback</c> (a halted or aborted campaign) returns a
/// device that runs the campaign's release to its last-known-good version.
/// </summary>
public sealed record ModelDirective
{
    public const int CurrentSchema = 1;

    public const string Install = "install";
    public const string Rollback = "rollback";

    /// <summary>The actions a directive may carry.</summary>
    public static readonly IReadOnlyList<string> Actions = [Install, Rollback];

    [JsonPropertyName("schema")]
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>The rollout campaign's id; update records name it so the hub can count them.</summary>
    [JsonPropertyName("campaign")]
    public required string Campaign { get; init; }

    [JsonPropertyName("action")]
    public required string Action { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>The artifact's SHA-256, as in the signed manifest (checked against it, never trusted alone).</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>Where the signed <c>release.json</c> is served.</summary>
    [JsonPropertyName("manifestUrl")]
    public required string ManifestUrl { get; init; }

    /// <summary>Where the artifact is served (HTTP range requests supported).</summary>
    [JsonPropertyName("artifactUrl")]
    public required string ArtifactUrl { get; init; }

    [JsonPropertyName("probation")]
    public ProbationPolicy Probation { get; init; } = new();

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ReleaseJsonContext.Default.ModelDirective);

    /// <summary>Reads a directive; null with <paramref name="error"/> when the payload is not a valid one.</summary>
    public static ModelDirective? TryParse(ReadOnlySpan<byte> json, out string? error)
    {
        ModelDirective? d;
        try
        {
            d = JsonSerializer.Deserialize(json, ReleaseJsonContext.Default.ModelDirective);
        }
        catch (JsonException e)
        {
            error = $"not a model directive: {e.Message}";
            return null;
        }

        error = d switch
        {
            null => "empty model directive",
            { Schema: not CurrentSchema } => $"directive schema {d.Schema} is not supported; this agent reads {CurrentSchema}",
            _ when !Actions.Contains(d.Action, StringComparer.Ordinal) => $"directive action '{d.Action}' is not one of {string.Join(", ", Actions)}",
            _ when !ReleaseManifest.IsSha256(d.Sha256) => $"directive sha256 '{d.Sha256}' must be 64 lower-case hex digits",
            _ when !IsHttpUrl(d.ManifestUrl) || !IsHttpUrl(d.ArtifactUrl) => "directive manifestUrl and artifactUrl must be absolute URLs (http or https)",
            _ => d.Probation.Problems() is { Count: > 0 } p ? string.Join("; ", p) : null,
        };
        return error is null ? d : null;
    }

    /// <summary>An absolute http(s) URL. (On Unix <see cref="Uri.TryCreate(string, UriKind, out Uri)"/> takes "/path" as an absolute file URI.)</summary>
    private static bool IsHttpUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";
}

/// <summary>
/// How a new model is judged after activation, against the version it replaced measured on the same device just
/// before the swap. The window ends after <see cref="Calls"/> calls, or after <see cref="MaxSeconds"/> (a model that
/// is barely called is judged on what it did); any gate failing rolls the device back.
/// </summary>
public sealed record ProbationPolicy
{
    /// <summary>Calls in the window. Default 200.</summary>
    [JsonPropertyName("calls")]
    public int Calls { get; init; } = 200;

    /// <summary>The longest the window lasts, in seconds. Default 600.</summary>
    [JsonPropertyName("maxSeconds")]
    public double MaxSeconds { get; init; } = 600;

    /// <summary>The most failed calls allowed, as a fraction of the window's calls. Default 0.01.</summary>
    [JsonPropertyName("maxErrorRate")]
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>How much slower p95 latency may be than the previous version's: 0.5 allows 1.5×. Default 0.5.</summary>
    [JsonPropertyName("latencyTolerance")]
    public double LatencyTolerance { get; init; } = 0.5;

    /// <summary>
    /// The largest output drift allowed: the difference of the mean of the first output between the new and the previous
    /// version, relative to the previous version's spread (a z-like distance). Default 3.
    /// </summary>
    [JsonPropertyName("maxDrift")]
    public double MaxDrift { get; init; } = 3;

    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (Calls is < 1 or > 1_000_000)
        {
            p.Add($"probation.calls {Calls} must be between 1 and 1000000");
        }

        if (!(MaxSeconds is >= 1 and <= 7 * 86400))
        {
            p.Add($"probation.maxSeconds {MaxSeconds} must be between 1 and 604800");
        }

        if (!(MaxErrorRate is >= 0 and <= 1))
        {
            p.Add($"probation.maxErrorRate {MaxErrorRate} must be between 0 and 1");
        }

        if (!(LatencyTolerance is >= 0 and <= 100))
        {
            p.Add($"probation.latencyTolerance {LatencyTolerance} must be between 0 and 100");
        }

        if (!(MaxDrift is >= 0 and <= 1000))
        {
            p.Add($"probation.maxDrift {MaxDrift} must be between 0 and 1000");
        }

        return p;
    }
}
