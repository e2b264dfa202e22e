using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;

namespace EdgeAgent.Core.Modes;

/// <summary>
/// The data of a <c>session</c> record: one stay in a <c>session: true</c> mode, from the evaluation that entered it to
/// the one that left it (or shutdown), in this boot's monotonic milliseconds (the envelope carries the boot).
/// <see cref="DurationS"/> is <c>(end - start) / 1000</c>; <see cref="Ended"/> is <c>switch</c> (then
/// <see cref="Next"/> names the mode that followed) or <c>shutdown</c>.
/// </summary>
public sealed record SessionData(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("class")] string Class,
    [property: JsonPropertyName("start_mono_ms")] long StartMonoMs,
    [property: JsonPropertyName("end_mono_ms")] long EndMonoMs,
    [property: JsonPropertyName("duration_s")] double DurationS,
    [property: JsonPropertyName("ended")] string Ended,
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next)
{
    public const string EndedBySwitch = "switch";
    public const string EndedByShutdown = "shutdown";

    /// <summary>The record type to append it as.</summary>
    public static string RecordType => RecordTypes.Session;

    /// <summary>The record data, e.g. <c>{"mode":"flying","class":"operate","start_mono_ms":66000,"end_mono_ms":196000,"duration_s":130,"ended":"switch","next":"armed"}</c>.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, ModesJsonContext.Default.SessionData);
}

/// <summary>What one evaluation did: the detector's outcome and the session it ended, if any.</summary>
public sealed record ModeStep(ModeEvaluation Evaluation, SessionData? EndedSession)
{
    public string Mode => Evaluation.Mode;

    public ModeTransition? Transition => Evaluation.Transition;
}

/// <summary>
/// Runs a <see cref="ModeDetector"/> and carries its switches out: at construction and on every switch it tells the
/// <see cref="UsageAccountant"/> the new usage class and the product mode's name (so <c>usage.summary</c> gets both
/// the four class seconds and the per-mode seconds), and it turns each stay in a <c>session: true</c> mode into
/// <see cref="SessionData"/> when the stay ends, or at <see cref="Stop"/>. The caller appends the session records.
/// Thread-safe: <see cref="Observe"/> from any sensor loop; <see cref="Evaluate"/> and <see cref="Stop"/> under one lock
/// (which calls into the accountant's own lock, never the other way round).
/// </summary>
public sealed class ModeTracker
{
    private readonly Lock _gate = new();
    private readonly ModeDetector _detector;
    private readonly UsageAccountant _usage;
    private readonly DeviceClock _clock;
    private readonly HashSet<string> _sessionModes;
    private (string Mode, UsageMode Class, long StartMonoMs)? _open;
    private bool _stopped;

    public ModeTracker(ModeSpec spec, UsageAccountant usage, DeviceClock clock, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(clock);
        _detector = new ModeDetector(spec, time);
        _usage = usage;
        _clock = clock;
        _sessionModes = spec.States.Where(s => s.Session).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        usage.SetMode(spec.Default.Class, spec.Default.Name);
    }

    public string Mode => _detector.Mode;

    public UsageMode Class => _detector.Class;

    /// <inheritdoc cref="ModeDetector.Observe"/>
    public bool Observe(string signal, double value, long timestamp) => _detector.Observe(signal, value, timestamp);

    /// <summary>Evaluates at <paramref name="timestamp"/>, switches the accountant on a switch, and ends a session if one ended.</summary>
    public ModeStep Evaluate(long timestamp)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var evaluation = _detector.Evaluate(timestamp);
            SessionData? ended = null;
            if (evaluation.Transition is { } t)
            {
                var mono = _clock.MonoMsAt(t.Timestamp);
                ended = Close(mono, SessionData.EndedBySwitch, t.To);
                _usage.SetMode(t.ToClass, t.To);
                if (_sessionModes.Contains(t.To))
                {
                    _open = (t.To, t.ToClass, mono);
                }
            }

            return new ModeStep(evaluation, ended);
        }
    }

    /// <summary>At shutdown: ends the open session at <paramref name="timestamp"/> (null when none is open); later evaluations are refused.</summary>
    public SessionData? Stop(long timestamp)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return null;
            }

            _stopped = true;
            return Close(_clock.MonoMsAt(timestamp), SessionData.EndedByShutdown, next: null);
        }
    }

    private SessionData? Close(long endMonoMs, string ended, string? next)
    {
        if (_open is not { } open)
        {
            return null;
        }

        _open = null;
        var end = Math.Max(endMonoMs, open.StartMonoMs);
        return new SessionData(open.Mode, ModeTerms.Name(open.Class), open.StartMonoMs, end, (end - open.StartMonoMs) / 1000.0, ended, next);
    }
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(SessionData))]
internal sealed partial class ModesJsonContext : JsonSerializerContext;
