using EdgeAgent.Fuzz.Campaign;

namespace EdgeAgent.Fuzz.Tests;

/// <summary>
/// The harness under the real afl-fuzz for a few seconds per target: the instrumented copy is made once for the class
/// (<see cref="InstrumentedHarness"/>), then each target runs 8 s. afl must really have executed inputs (execs from its
/// fuzzer_stats) and found no crash and no hang. Where afl-fuzz or sharpfuzz cannot run the tests skip, saying why.
/// </summary>
public sealed class AflRunTests(AflRunTests.InstrumentedHarness harness) : IClassFixture<AflRunTests.InstrumentedHarness>
{
    private const int SecondsPerTarget = 8;

    [SkippableTheory]
    [InlineData("batch")]
    [InlineData("csv")]
    [InlineData("link")]
    public void AflFuzz_ShortRun_ExecutesAndFindsNothing(string target)
    {
        Skip.If(harness.CannotRun is not null, harness.CannotRun);
        var output = new StringWriter();

        var run = AflCampaign.Fuzz(harness.Bin!, target, harness.Options with { Targets = [target] }, output);

        Assert.True(run.Stats.ExecsDone > 0, $"afl-fuzz executed nothing: {output}");
        Assert.True(run.Stats.Crashes == 0 && run.Stats.Hangs == 0, $"{AflCampaign.Summary(run)}; findings: {string.Join(", ", run.Findings)}");
        Assert.Empty(run.Findings);
    }

    /// <summary>
    /// The other side of the runs above: a target with a planted bug (<see cref="Targets.CanaryTarget"/>: a 0xFF byte
    /// crashes it, one of afl's interesting values away from its seed) fuzzed 4 s must come back with the crash counted
    /// and its input copied out, or "found nothing" would prove nothing.
    /// </summary>
    [SkippableFact]
    public void AflFuzz_CanaryWithPlantedCrash_CrashFoundAndInputCopied()
    {
        Skip.If(harness.CannotRun is not null, harness.CannotRun);
        var output = new StringWriter();

        var run = AflCampaign.Fuzz(harness.Bin!, Targets.FuzzTargets.Canary, harness.Options with { Targets = [Targets.FuzzTargets.Canary], Seconds = 4 }, output);

        Assert.True(run.Stats.Crashes > 0, $"afl-fuzz did not report the canary's planted crash: {AflCampaign.Summary(run)}; {output}");
        Assert.Contains(run.Findings, f => File.ReadAllBytes(f).AsSpan().Contains((byte)0xFF));
    }

    /// <summary>The harness copied and instrumented once for the three runs, or why that cannot be done here.</summary>
    public sealed class InstrumentedHarness : IDisposable
    {
        public InstrumentedHarness()
        {
            var output = Path.Combine(Path.GetTempPath(), $"edgeagent-fuzz-{Environment.ProcessId}");
            Options = new CampaignOptions([], SecondsPerTarget, output, Harness.RepoRoot);
            CannotRun = AflCampaign.CannotRun(Harness.RepoRoot);
            if (CannotRun is null)
            {
                Bin = AflCampaign.Instrument(Harness.Directory, Options, TextWriter.Null);
            }
        }

        internal CampaignOptions Options { get; }

        public string? CannotRun { get; }

        public string? Bin { get; }

        public void Dispose()
        {
            if (Directory.Exists(Options.Output))
            {
                Directory.Delete(Options.Output, recursive: true);
            }
        }
    }
}
