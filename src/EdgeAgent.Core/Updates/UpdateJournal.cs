using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Updates;

/// <summary>
/// A model version the device can put into service: an installed release (<see cref="FromRelease"/> true, its files
/// under the releases directory) or the catalog's pinned file (<see cref="FromRelease"/> false).
/// </summary>
public sealed record ReleaseRef
{
    /// <summary>The version string of a catalog pin, which has none of its own.</summary>
    public const string CatalogVersion = "catalog";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("release")]
    public bool FromRelease { get; init; } = true;

    public static ReleaseRef Catalog(string name, string sha256) => new() { Name = name, Version = CatalogVersion, Sha256 = sha256, FromRelease = false };

    public override string ToString() => FromRelease ? $"{Name} {Version} ({Sha256[..12]})" : $"{Name} catalog pin ({Sha256[..Math.Min(12, Sha256.Length)]})";
}

/// <summary>The figures of a probation window, as the committed/failed records carry them.</summary>
public sealed record ProbationFigures
{
    [JsonPropertyName("calls")]
    public long Calls { get; init; }

    [JsonPropertyName("error_rate")]
    public double ErrorRate { get; init; }

    [JsonPropertyName("p95_ms")]
    public double? P95Ms { get; init; }

    [JsonPropertyName("baseline_p95_ms")]
    public double? BaselineP95Ms { get; init; }

    [JsonPropertyName("drift")]
    public double? Drift { get; init; }
}

/// <summary>One transition taken: what the <c>model.update</c> record of it says.</summary>
public sealed record UpdateStep
{
    [JsonPropertyName("from")]
    public required UpdateState From { get; init; }

    [JsonPropertyName("to")]
    public required UpdateState To { get; init; }

    [JsonPropertyName("event")]
    public required UpdateEvent Event { get; init; }

    [JsonPropertyName("at_ms")]
    public long AtMs { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    [JsonPropertyName("rolled_back")]
    public bool RolledBack { get; init; }

    [JsonPropertyName("figures")]
    public ProbationFigures? Figures { get; init; }
}

/// <summary>
/// Everything the update state machine persists, written whole before each side effect (temporary file, fsync, rename:
/// the device's <c>IUpdateJournalStore</c>). A start reads it back and resumes or rolls back from <see cref="State"/>.
/// </summary>
public sealed record UpdateJournal
{
    public const int CurrentSchema = 1;

    /// <summary>How many acted-on (campaign, action) keys are remembered.</summary>
    public const int HandledCapacity = 256;

    [JsonPropertyName("schema")]
    public int Schema { get; init; } = CurrentSchema;

    [JsonPropertyName("state")]
    public UpdateState State { get; init; } = UpdateState.Idle;

    /// <summary>The directive of the current (or last) update.</summary>
    [JsonPropertyName("directive")]
    public ModelDirective? Directive { get; init; }

    /// <summary>The release being installed.</summary>
    [JsonPropertyName("candidate")]
    public ReleaseRef? Candidate { get; init; }

    /// <summary>The last-known-good version the candidate replaces (kept on disk until a later update replaces it).</summary>
    [JsonPropertyName("previous")]
    public ReleaseRef? Previous { get; init; }

    /// <summary>Starts of the agent found inside Activating or Probation for this update.</summary>
    [JsonPropertyName("boots")]
    public int Boots { get; init; }

    /// <summary>The previous version's figures, measured just before the swap (probation compares against them).</summary>
    [JsonPropertyName("baseline")]
    public CallFigures? Baseline { get; init; }

    /// <summary>Why the update is failing (set when a failure or rollback order is taken; carried into later steps).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    [JsonPropertyName("figures")]
    public ProbationFigures? Figures { get; init; }

    /// <summary>The transitions of the current update, in order.</summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<UpdateStep> Steps { get; init; } = [];

    /// <summary>How many of <see cref="Steps"/> have their <c>model.update</c> record written (a start writes the rest).</summary>
    [JsonPropertyName("reported")]
    public int Reported { get; init; }

    /// <summary>The installed releases that serve, by model name; a model not named here serves its catalog pin.</summary>
    [JsonPropertyName("in_service")]
    public IReadOnlyDictionary<string, ReleaseRef> InService { get; init; } = new Dictionary<string, ReleaseRef>(StringComparer.Ordinal);

    /// <summary>The (campaign, action) keys already acted on, oldest first: a retained directive delivered again is ignored.</summary>
    [JsonPropertyName("handled")]
    public IReadOnlyList<string> Handled { get; init; } = [];

    /// <summary>The states of the current update in order, starting with the one it started from.</summary>
    [JsonIgnore]
    public IReadOnlyList<UpdateState> Visited => Steps.Count == 0 ? [State] : [Steps[0].From, .. Steps.Select(s => s.To)];

    /// <summary>The key a directive is acted on once by.</summary>
    public static string KeyOf(ModelDirective directive)
    {
        ArgumentNullException.ThrowIfNull(directive);
        return $"{directive.Campaign}/{directive.Action}";
    }

    public bool HasHandled(ModelDirective directive) => Handled.Contains(KeyOf(directive), StringComparer.Ordinal);

    public UpdateJournal WithHandled(ModelDirective directive)
    {
        var key = KeyOf(directive);
        if (Handled.Contains(key, StringComparer.Ordinal))
        {
            return this;
        }

        var handled = Handled.Append(key).ToList();
        return this with { Handled = handled.Count > HandledCapacity ? handled[^HandledCapacity..] : handled };
    }

    /// <summary>What serves <paramref name="model"/> now (and after a restart): an installed release, or null for the catalog pin.</summary>
    public ReleaseRef? ServingRelease(string model) => InService.TryGetValue(model, out var r) ? r : null;

    /// <summary>This journal with <paramref name="release"/> serving its model (a catalog pin removes the entry).</summary>
    public UpdateJournal Serving(ReleaseRef release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var map = new Dictionary<string, ReleaseRef>(InService, StringComparer.Ordinal);
        if (release.FromRelease)
        {
            map[release.Name] = release;
        }
        else
        {
            map.Remove(release.Name);
        }

        return this with { InService = map };
    }

    /// <summary>
    /// The bookkeeping of one start of the agent, done before any model loads: a start inside Activating or Probation
    /// counts one boot; at <paramref name="bootLimit"/> boots the previous version is what loads (the coordinator then
    /// records the rollback with reason <c>boot.loop</c>).
    /// </summary>
    public UpdateJournal AtStart(int bootLimit)
    {
        if (State is not (UpdateState.Activating or UpdateState.Probation))
        {
            return this;
        }

        var next = this with { Boots = Boots + 1 };
        return next.Boots >= bootLimit && Previous is { } previous ? next.Serving(previous) : next;
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, UpdateJsonContext.Default.UpdateJournal);

    /// <exception cref="JsonException">Not a journal, or a schema this build does not read.</exception>
    public static UpdateJournal Parse(ReadOnlySpan<byte> json)
    {
        var journal = JsonSerializer.Deserialize(json, UpdateJsonContext.Default.UpdateJournal) ?? throw new JsonException("the update journal is empty");
        return journal.Schema == CurrentSchema ? journal : throw new JsonException($"update journal schema {journal.Schema} is not supported; this agent reads {CurrentSchema}");
    }
}

/// <summary>Where the journal lives: the device keeps it in a file written atomically (temporary file, fsync, rename).</summary>
public interface IUpdateJournalStore
{
    /// <summary>The journal last saved, or a fresh one (Idle) when none was ever saved.</summary>
    UpdateJournal Load();

    /// <summary>Durable when it returns: a power cut after it finds this journal at the next start.</summary>
    Task SaveAsync(UpdateJournal journal, CancellationToken cancellationToken);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpdateJournal))]
internal sealed partial class UpdateJsonContext : JsonSerializerContext;
