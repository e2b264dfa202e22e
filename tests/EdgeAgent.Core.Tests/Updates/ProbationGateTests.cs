using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Updates;

namespace EdgeAgent.Core.Tests.Updates;

public sealed class ProbationGateTests
{
    private static readonly ProbationPolicy Policy = new() { Calls = 100, MaxErrorRate = 0.05, LatencyTolerance = 0.5, MaxDrift = 3 };

    private static readonly CallFigures Baseline = new() { Calls = 100, P95Ms = 10, OutputSamples = 100, OutputMean = 0.5, OutputSpread = 0.02 };

    public static TheoryData<string, CallFigures, bool, string?> Cases() => new()
    {
        { "same as before", new CallFigures { Calls = 100, P95Ms = 10, OutputSamples = 100, OutputMean = 0.5, OutputSpread = 0.02 }, true, null },
        { "errors at the limit", new CallFigures { Calls = 100, Failures = 5, P95Ms = 10, OutputSamples = 95, OutputMean = 0.5 }, true, null },
        { "errors above the limit", new CallFigures { Calls = 100, Failures = 6, P95Ms = 10, OutputSamples = 94, OutputMean = 0.5 }, false, UpdateFailures.ProbationErrors },
        { "slower within tolerance", new CallFigures { Calls = 100, P95Ms = 15.4, OutputSamples = 100, OutputMean = 0.5 }, true, null },
        { "slower beyond tolerance", new CallFigures { Calls = 100, P95Ms = 15.6, OutputSamples = 100, OutputMean = 0.5 }, false, UpdateFailures.ProbationLatency },
        { "drift of 2.5 spreads", new CallFigures { Calls = 100, P95Ms = 10, OutputSamples = 100, OutputMean = 0.55 }, true, null },
        { "drift of 3.5 spreads", new CallFigures { Calls = 100, P95Ms = 10, OutputSamples = 100, OutputMean = 0.57 }, false, UpdateFailures.ProbationDrift },
        { "errors judged before latency", new CallFigures { Calls = 100, Failures = 50, P95Ms = 100, OutputSamples = 50, OutputMean = 9 }, false, UpdateFailures.ProbationErrors },
        { "no call at all", new CallFigures(), true, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Window_VerdictAsPolicySays(string @case, CallFigures window, bool passed, string? reason)
    {
        var verdict = ProbationGate.Evaluate(Policy, Baseline, window);

        Assert.True(passed == verdict.Passed, $"{@case}: {verdict.Detail}");
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(window.Calls, verdict.Figures.Calls);
        Assert.Equal(10, verdict.Figures.BaselineP95Ms);
    }

    [Fact]
    public void Evaluate_NoBaseline_SkipsLatencyAndDrift()
    {
        var verdict = ProbationGate.Evaluate(Policy, null, new CallFigures { Calls = 100, P95Ms = 1000, OutputSamples = 100, OutputMean = 99 });

        Assert.True(verdict.Passed);
        Assert.Null(verdict.Figures.BaselineP95Ms);
        Assert.Null(verdict.Figures.Drift);
    }

    [Fact]
    public void Drift_BaselineWithoutSpread_UsesTheRelativeFloor()
    {
        var constant = new CallFigures { Calls = 10, P95Ms = 1, OutputSamples = 10, OutputMean = 2.0, OutputSpread = 0 };

        Assert.Equal(0.5, ProbationGate.Drift(constant, new CallFigures { Calls = 1, OutputSamples = 1, OutputMean = 2.01 })!.Value, 6);
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void ErrorsExceeded_FailuresBeyondWhatTheWindowAllows_EndsProbationEarly(long failures, bool exceeded)
    {
        Assert.Equal(exceeded, ProbationGate.ErrorsExceeded(Policy, new CallFigures { Calls = 20, Failures = failures }));
    }
}
