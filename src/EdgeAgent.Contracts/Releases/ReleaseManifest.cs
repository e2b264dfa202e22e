using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Contracts.Releases;

/// <summary>
/// What a model release is: one ONNX artifact (content-addressed by <see cref="Sha256"/>), the catalog entry it must
/// match (tensor signature), the self-test vector it must pass before it serves, and where it may run. The hub signs
/// it with a release key (<see cref="SignedRelease"/>); a device installs nothing that is not signed by a key it trusts.
/// </summary>
public sealed partial record ReleaseManifest
{
    /// <summary>The manifest format version this build reads.</summary>
    public const int CurrentSchema = 1;

    [JsonPropertyName("schema")]
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>The catalog model this release is a version of (a pipeline running that model takes it).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary><c>MAJOR.MINOR.PATCH</c>, optionally with a <c>-prerelease</c> or <c>+build</c> suffix.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Lower-case hex SHA-256 of the artifact (the ONNX file); the hub serves it under this name.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    /// <summary>The artifact's size in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>The catalog entry of this version: task, licence, provenance, input/output signature.</summary>
    [JsonPropertyName("entry")]
    public required ModelEntry Entry { get; init; }

    /// <summary>The self-test vector the staged model must pass (inputs and expected output fingerprints).</summary>
    [JsonPropertyName("selfTest")]
    public required SelfTestVector SelfTest { get; init; }

    /// <summary>Board profiles this release runs on; empty means every board.</summary>
    [JsonPropertyName("boards")]
    public IReadOnlyList<string> Boards { get; init; } = [];

    /// <summary>The oldest agent version that may run it (inclusive).</summary>
    [JsonPropertyName("agentMin")]
    public string AgentMin { get; init; } = "0.0.0";

    /// <summary>The first agent version that may not run it (exclusive), if any.</summary>
    [JsonPropertyName("agentBelow")]
    public string? AgentBelow { get; init; }

    /// <summary>When the release was published (ISO 8601 UTC), informational.</summary>
    [JsonPropertyName("published")]
    public string? Published { get; init; }

    /// <summary>Every problem of the manifest's own fields, each naming the field; empty when it is well formed.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (Schema != CurrentSchema)
        {
            p.Add($"schema {Schema} is not supported; this build reads schema {CurrentSchema}");
        }

        if (!RecordCodec.IsValidId(Name))
        {
            p.Add($"name '{Name}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (!ReleaseVersion.TryParse(Version, out _))
        {
            p.Add($"version '{Version}' must be MAJOR.MINOR.PATCH (e.g. 2.1.0), optionally with -prerelease or +build");
        }

        if (!IsSha256(Sha256))
        {
            p.Add($"sha256 '{Sha256}' must be 64 lower-case hex digits");
        }

        if (Size <= 0)
        {
            p.Add($"size {Size} must be positive");
        }

        if (Entry is null)
        {
            p.Add("entry is missing");
        }
        else
        {
            if (Entry.Name != Name)
            {
                p.Add($"entry.name '{Entry.Name}' must equal name '{Name}'");
            }

            if (Entry.Sha256 != Sha256)
            {
                p.Add($"entry.sha256 '{Entry.Sha256}' must equal sha256 '{Sha256}'");
            }

            if (Entry.Inputs is not { Count: > 0 } || Entry.Outputs is not { Count: > 0 })
            {
                p.Add("entry.inputs and entry.outputs must each list at least one tensor");
            }
        }

        if (SelfTest is null || SelfTest.Expected.Count == 0)
        {
            p.Add("selfTest must have expected outputs (record them with: edgeagent models selftest --write)");
        }

        foreach (var board in Boards.Where(b => !RecordCodec.IsValidId(b)))
        {
            p.Add($"boards: '{board}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (!ReleaseVersion.TryParse(AgentMin, out _))
        {
            p.Add($"agentMin '{AgentMin}' must be MAJOR.MINOR.PATCH");
        }

        if (AgentBelow is not null && !ReleaseVersion.TryParse(AgentBelow, out _))
        {
            p.Add($"agentBelow '{AgentBelow}' must be MAJOR.MINOR.PATCH");
        }

        return p;
    }

    /// <summary>Why this release may not run on <paramref name="board"/> with agent <paramref name="agentVersion"/>, or null when it may.</summary>
    public string? IncompatibilityWith(string board, string agentVersion)
    {
        if (Boards.Count > 0 && !Boards.Contains(board, StringComparer.Ordinal))
        {
            return $"release {Name} {Version} runs on boards {string.Join(", ", Boards)}, not on '{board}'";
        }

        var agent = ReleaseVersion.Parse(agentVersion);
        if (agent < ReleaseVersion.Parse(AgentMin))
        {
            return $"release {Name} {Version} needs agent {AgentMin} or later; this agent is {agentVersion}";
        }

        if (AgentBelow is not null && agent >= ReleaseVersion.Parse(AgentBelow))
        {
            return $"release {Name} {Version} runs on agents below {AgentBelow}; this agent is {agentVersion}";
        }

        return null;
    }

    internal static bool IsSha256(string? value) => value is not null && Sha256Pattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}

/// <summary>A release version: numeric MAJOR.MINOR.PATCH ordering; a prerelease sorts before its release; build metadata is ignored.</summary>
public readonly partial record struct ReleaseVersion(int Major, int Minor, int Patch, string Prerelease) : IComparable<ReleaseVersion>
{
    public static bool TryParse(string? text, out ReleaseVersion version)
    {
        version = default;
        var m = text is null ? null : Pattern().Match(text);
        if (m is not { Success: true }
            || !int.TryParse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(m.Groups[2].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(m.Groups[3].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new ReleaseVersion(major, minor, patch, m.Groups[4].Value);
        return true;
    }

    /// <exception cref="FormatException">Not a version.</exception>
    public static ReleaseVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a version (MAJOR.MINOR.PATCH)");

    public int CompareTo(ReleaseVersion other)
    {
        var c = Major.CompareTo(other.Major);
        c = c != 0 ? c : Minor.CompareTo(other.Minor);
        c = c != 0 ? c : Patch.CompareTo(other.Patch);
        if (c != 0 || Prerelease == other.Prerelease)
        {
            return c;
        }

        return Prerelease.Length == 0 ? 1 : other.Prerelease.Length == 0 ? -1 : string.CompareOrdinal(Prerelease, other.Prerelease);
    }

    public static bool operator <(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(ReleaseVersion left, ReleaseVersion right) => left.CompareTo(right) >= 0;

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$")]
    private static partial Regex Pattern();
}
