using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Modes;

/// <summary>A signal as a function of the whole second t since the start of the trace.</summary>
internal delegate double SignalAt(int t);

/// <summary>
/// Plays a compressed trace through a <see cref="ModeTracker"/> and a <see cref="UsageAccountant"/> on a fake clock,
/// the way the agent's loops would: at every whole second t from 0 to <c>end - 1</c> the clock stands at t, every
/// signal gets one sample (1 Hz), then the mode rules are evaluated (evaluate_ms 1000). At each second of
/// <c>summaries</c> a <c>usage.summary</c> is taken after that second's evaluation; at <c>end</c> the tracker stops
/// (shutdown) and the last summary is taken.
/// </summary>
internal static class ScenarioRun
{
    public static ScenarioResult Play(ModeSpec spec, IReadOnlyDictionary<string, SignalAt> signals, int end, params int[] summaries)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero));
        var start = time.GetTimestamp();
        var usage = new UsageAccountant(time, new InferenceUsage());
        var clock = new DeviceClock(time, SystemClockTrust.None);
        var tracker = new ModeTracker(spec, usage, clock, time);
        var taken = new List<UsageSummary>();
        var sessions = new List<SessionData>();
        var switches = new List<(string To, int At)>();
        for (var t = 0; t < end; t++)
        {
            if (t > 0)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            var now = time.GetTimestamp();
            foreach (var (signal, at) in signals)
            {
                tracker.Observe(signal, at(t), now);
            }

            var step = tracker.Evaluate(now);
            if (step.Transition is { } transition)
            {
                switches.Add((transition.To, (int)time.GetElapsedTime(start, transition.Timestamp).TotalSeconds));
            }

            if (step.EndedSession is { } session)
            {
                sessions.Add(session);
            }

            if (summaries.Contains(t))
            {
                taken.Add(usage.TakeSummary());
            }
        }

        time.Advance(TimeSpan.FromSeconds(1));
        if (tracker.Stop(time.GetTimestamp()) is { } last)
        {
            sessions.Add(last);
        }

        taken.Add(usage.TakeSummary());
        return new ScenarioResult(taken, sessions, switches);
    }

    /// <summary>Picks a value by the half-open second ranges [from, to) of a trace; the last entry is the fallback.</summary>
    public static SignalAt Piecewise(params (int From, int To, SignalAt Value)[] pieces) => t =>
    {
        foreach (var (from, to, value) in pieces)
        {
            if (t >= from && t < to)
            {
                return value(t);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(t), t, "the trace does not cover this second");
    };

    public static SignalAt Constant(double value) => _ => value;
}

internal sealed record ScenarioResult(IReadOnlyList<UsageSummary> Summaries, IReadOnlyList<SessionData> Sessions, IReadOnlyList<(string To, int At)> Switches);
