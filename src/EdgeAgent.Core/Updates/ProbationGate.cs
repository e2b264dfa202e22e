using System.Globalization;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Updates;

/// <summary>The outcome of <see cref="ProbationGate.Evaluate"/>: passed, or the first gate that failed (a reason code and a sentence).</summary>
public sealed record GateVerdict(bool Passed, string? Reason, string? Detail, ProbationFigures Figures);

/// <summary>
/// Judges a new version's probation window against the version it replaced, measured on the same device before the
/// swap. Pure: the same figures always give the same verdict. The gates, in order:
/// <list type="number">
/// <item><b>errors</b>: failed calls / calls above <see cref="ProbationPolicy.MaxErrorRate"/> (<c>probation.errors</c>).</item>
/// <item><b>latency</b>: the window's p95 above the baseline p95 × (1 + <see cref="ProbationPolicy.LatencyTolerance"/>)
/// plus <see cref="LatencyAllowanceMs"/> (<c>probation.latency</c>); skipped when either side has no successful call.</item>
/// <item><b>drift</b>: with m the mean of output 0 of one call, drift = |mean of m over the window − mean of m over the
/// baseline| / spread, where spread is the baseline's standard deviation of m, but at least
/// <see cref="RelativeSpreadFloor"/> × |baseline mean| and <see cref="AbsoluteSpreadFloor"/> (a pipeline that feeds the
/// same input again and again has no spread; a floor keeps rounding noise from counting as drift). Above
/// <see cref="ProbationPolicy.MaxDrift"/> fails (<c>probation.drift</c>); skipped without at least two baseline and one
/// window sample.</item>
/// </list>
/// A window without any call passes: the version was not called, so nothing it did can be held against it.
/// </summary>
public static class ProbationGate
{
    /// <summary>Absolute latency slack, so a sub-millisecond model is not rolled back for scheduler noise.</summary>
    public const double LatencyAllowanceMs = 0.5;

    public const double RelativeSpreadFloor = 0.01;

    public const double AbsoluteSpreadFloor = 1e-6;

    public static GateVerdict Evaluate(ProbationPolicy policy, CallFigures? baseline, CallFigures window)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(window);
        var limitMs = baseline?.P95Ms is { } b ? (b * (1 + policy.LatencyTolerance)) + LatencyAllowanceMs : (double?)null;
        var drift = Drift(baseline, window);
        var figures = new ProbationFigures
        {
            Calls = window.Calls,
            ErrorRate = Math.Round(window.ErrorRate, 6),
            P95Ms = window.P95Ms is { } p ? Math.Round(p, 4) : null,
            BaselineP95Ms = baseline?.P95Ms is { } bp ? Math.Round(bp, 4) : null,
            Drift = drift is { } d ? Math.Round(d, 4) : null,
        };

        if (window.Calls == 0)
        {
            return new GateVerdict(true, null, null, figures);
        }

        if (window.ErrorRate > policy.MaxErrorRate)
        {
            return Fail(UpdateFailures.ProbationErrors, string.Create(CultureInfo.InvariantCulture, $"{window.Failures} of {window.Calls} calls failed (error rate {window.ErrorRate:G4}); the policy allows {policy.MaxErrorRate:G4}"));
        }

        if (limitMs is { } limit && window.P95Ms is { } p95 && p95 > limit)
        {
            return Fail(UpdateFailures.ProbationLatency, string.Create(CultureInfo.InvariantCulture, $"p95 latency {p95:F3} ms is above {limit:F3} ms (the previous version's p95 {baseline!.P95Ms:F3} ms x {1 + policy.LatencyTolerance:G3} + {LatencyAllowanceMs} ms)"));
        }

        if (drift is { } dr && dr > policy.MaxDrift)
        {
            return Fail(UpdateFailures.ProbationDrift, string.Create(CultureInfo.InvariantCulture, $"output drift {dr:G4} is above {policy.MaxDrift:G4}: the mean of output 0 moved from {baseline!.OutputMean:G6} (spread {baseline.OutputSpread:G4}) to {window.OutputMean:G6}"));
        }

        return new GateVerdict(true, null, null, figures);

        GateVerdict Fail(string reason, string detail) => new(false, reason, detail, figures);
    }

    /// <summary>The drift of the window from the baseline (see the class summary), or null when it cannot be told.</summary>
    public static double? Drift(CallFigures? baseline, CallFigures window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (baseline is not { OutputSamples: >= 2 } || window.OutputSamples < 1)
        {
            return null;
        }

        var spread = Math.Max(baseline.OutputSpread, Math.Max(RelativeSpreadFloor * Math.Abs(baseline.OutputMean), AbsoluteSpreadFloor));
        return Math.Abs(window.OutputMean - baseline.OutputMean) / spread;
    }

    /// <summary>True once the window can no longer pass the error gate, however many calls remain (probation ends early).</summary>
    public static bool ErrorsExceeded(ProbationPolicy policy, CallFigures window)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(window);
        return window.Failures > Math.Floor(policy.MaxErrorRate * Math.Max(policy.Calls, window.Calls));
    }
}
