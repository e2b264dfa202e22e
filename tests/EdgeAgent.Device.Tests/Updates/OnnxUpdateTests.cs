using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.TestKit.Onnx;
using Xunit.Abstractions;
using static EdgeAgent.Core.Updates.UpdateState;

namespace EdgeAgent.Device.Tests.Updates;

/// <summary>
/// Updates of a real ONNX model in a running session: the hot swap under a steady 200 calls per second, probation
/// rolling back a slower and an erring version by itself, and refusals that need the real model (self-test, tensors).
/// </summary>
[Collection(nameof(OnnxUpdateTests))]
[CollectionDefinition(nameof(OnnxUpdateTests), DisableParallelization = true)]
public sealed class OnnxUpdateTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static float[] Normal(long n) => [(n % 7) / 7f, -0.5f, 0.25f, (n % 3) / 3f];

    [Fact]
    public async Task HotSwap_Steady200CallsPerSecond_NoCallFailsOrIsDroppedAndOldSessionRetired()
    {
        await using var rig = new OnnxUpdateRig();
        var other = TinyModels.MlpVariant("tiny-mlp", weights: [0.52f, -0.2f, 0.1f, 0.3f, 0.78f, -0.5f, -0.6f, 0.4f, 0.21f, 0.1f, -0.3f, 0.69f]);
        // Latency is not what this test judges (the bench does): the widest tolerance, so agents running in parallel test
        // classes cannot push a tiny model's p95 over the gate (it did once in CI at tolerance 3).
        var (manifest, directive) = rig.Publish(other, "2.0.0", new ProbationPolicy { Calls = 200, MaxSeconds = 60, MaxErrorRate = 0, LatencyTolerance = 100, MaxDrift = 1000 });
        await rig.StartAsync();
        await using var caller = new SteadyCaller(rig.Session, 200, Normal);

        // Two seconds of steady state on the old version first (its p99 and the probation baseline).
        await caller.WaitForCallsAsync(400);
        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync(Timeout);
        var afterCommit = caller.Calls.Count;
        await caller.WaitForCallsAsync(afterCommit + 100);
        await caller.StopAsync();

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, Committed], journal.Visited);
        var calls = caller.Calls;
        Assert.Equal(caller.Scheduled, calls.Count); // every scheduled call was made: none dropped
        Assert.All(calls, c => Assert.True(c.Ok));   // and none failed
        Assert.Equal(0, rig.Usage.For("tiny-mlp").Failures);
        var firstNew = calls.ToList().FindIndex(c => c.Version == "2.0.0");
        Assert.True(firstNew > 0, "no call ran on the new version");
        Assert.All(calls.Skip(firstNew), c => Assert.Equal("2.0.0", c.Version)); // once swapped, every call uses the new one
        Assert.Equal(1, rig.Session.Retired); // the old session was disposed, after its last call
        Assert.Equal(manifest.Sha256, rig.Session.Sha256);

        var steady = calls.Take(Math.Max(1, firstNew - 50)).Select(c => c.Ms).Order().ToList();
        var p99 = steady[(int)Math.Ceiling(0.99 * steady.Count) - 1];
        var around = calls.Skip(Math.Max(0, firstNew - 20)).Take(40).Max(c => c.Ms);
        var seconds = (double)(calls[^1].AtTicks - calls[0].AtTicks) / Stopwatch.Frequency;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hot swap at {calls.Count / seconds:F0} calls/s over {seconds:F1} s: {calls.Count} calls, 0 failed, 0 dropped; steady-state p99 {p99:F3} ms, max {steady[^1]:F3} ms; worst latency within 20 calls of the swap {around:F3} ms"));
    }

    [Fact]
    public async Task Probation_SlowerVersion_RolledBackByItselfAndReported()
    {
        await using var rig = new OnnxUpdateRig();
        var (manifest, directive) = rig.Publish(TinyModels.SlowMlp(), "2.1.0", new ProbationPolicy { Calls = 60, MaxSeconds = 60, MaxErrorRate = 0.01, LatencyTolerance = 0.5, MaxDrift = 1000 });
        await rig.StartAsync();
        await using var caller = new SteadyCaller(rig.Session, 200, Normal);
        await caller.WaitForCallsAsync(200);

        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync(Timeout);
        await caller.StopAsync();

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, RollingBack, Failed], journal.Visited);
        var failed = rig.Evidence.Updates[^1];
        Assert.Equal(UpdateFailures.ProbationLatency, failed.GetProperty("reason").GetString());
        Assert.True(failed.GetProperty("rolled_back").GetBoolean());
        Assert.True(failed.GetProperty("p95_ms").GetDouble() > failed.GetProperty("baseline_p95_ms").GetDouble() * 1.5);
        Assert.Equal(rig.CatalogEntry.Sha256, rig.Session.Sha256);
        Assert.Equal([("update", manifest.Sha256), ("rollback", rig.CatalogEntry.Sha256)], rig.Evidence.Changes);
        Assert.All(caller.Calls, c => Assert.True(c.Ok));
        output.WriteLine($"slower version: {failed.GetProperty("detail").GetString()}");
    }

    [Fact]
    public async Task Probation_VersionThatErrsOnSomeInputs_RolledBackByItselfAndReported()
    {
        await using var rig = new OnnxUpdateRig();
        var (manifest, directive) = rig.Publish(TinyModels.FlakyMlp(), "2.2.0", new ProbationPolicy { Calls = 100, MaxSeconds = 60, MaxErrorRate = 0.02, LatencyTolerance = 10, MaxDrift = 1000 });
        await rig.StartAsync();
        // One input in ten has a value of 9: the old version takes it, the new one's Gather index is out of range.
        await using var caller = new SteadyCaller(rig.Session, 200, n => n % 10 == 0 ? [9f, 0f, 0f, 0f] : Normal(n));
        await caller.WaitForCallsAsync(100);

        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync(Timeout);
        await caller.StopAsync();

        Assert.Equal([Idle, Downloading, Verifying, Staging, Activating, Probation, RollingBack, Failed], journal.Visited);
        var failed = rig.Evidence.Updates[^1];
        Assert.Equal(UpdateFailures.ProbationErrors, failed.GetProperty("reason").GetString());
        Assert.True(failed.GetProperty("error_rate").GetDouble() > 0.02);
        Assert.Equal(rig.CatalogEntry.Sha256, rig.Session.Sha256);
        Assert.All(caller.Calls.Where(c => c.Version == ""), c => Assert.True(c.Ok)); // the old version never failed
        Assert.Contains(caller.Calls, c => c.Version == "2.2.0" && !c.Ok);
        Assert.Equal([("update", manifest.Sha256), ("rollback", rig.CatalogEntry.Sha256)], rig.Evidence.Changes);
    }

    [Theory]
    [InlineData("fails its self-test", UpdateFailures.SelfTest)]
    [InlineData("incompatible input shape", UpdateFailures.Incompatible)]
    [InlineData("file is another model", ReleaseRefusals.Mismatch)]
    public async Task Verify_BadRealModel_RefusedAndOldModelServes(string @case, string reason)
    {
        await using var rig = new OnnxUpdateRig();
        var policy = new ProbationPolicy { Calls = 10 };
        var (_, directive) = @case switch
        {
            // The self-test vector of another version: this one's outputs differ from it.
            "fails its self-test" => rig.Publish(TinyModels.MlpVariant("tiny-mlp", bias: [2f, -2f, 0f]), "3.0.0", policy, selfTest: RecordedOf(rig, TinyModels.Mlp())),
            "incompatible input shape" => rig.Publish(TinyModels.MlpVariant("tiny-mlp"), "3.0.0", policy, e => e with { Inputs = [e.Inputs[0] with { Shape = [1, 8] }] }),
            _ => rig.Publish(TinyModels.Conv(), "3.0.0", policy, e => e with { Inputs = rig.CatalogEntry.Inputs, Outputs = rig.CatalogEntry.Outputs }, RecordedOf(rig, TinyModels.Mlp())),
        };
        await rig.StartAsync();
        await using var caller = new SteadyCaller(rig.Session, 200, Normal);

        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync(Timeout);
        await caller.StopAsync();

        Assert.Equal(Failed, journal.State);
        Assert.DoesNotContain(Activating, journal.Visited);
        var failed = rig.Evidence.Updates[^1];
        Assert.Equal(reason, failed.GetProperty("reason").GetString());
        output.WriteLine($"{@case}: {failed.GetProperty("reason").GetString()}: {failed.GetProperty("detail").GetString()}");
        Assert.Equal(rig.CatalogEntry.Sha256, rig.Session.Sha256);
        Assert.All(caller.Calls, c => Assert.True(c.Ok && c.Version == ""));
        Assert.Empty(rig.Evidence.Changes);
    }

    private static Contracts.Catalog.SelfTestVector RecordedOf(OnnxUpdateRig rig, TinyModel model)
    {
        var path = model.WriteTo(Path.Combine(Path.GetTempPath(), "edgeagent-selftest-" + Guid.NewGuid().ToString("N")));
        try
        {
            using var s = rig.Loader.Load(model.ToCatalogEntry(), path);
            return EdgeAgent.Inference.Onnx.Sessions.OnnxModelLoader.RecordSelfTest(s, new Contracts.Catalog.SelfTestVector
            {
                Inputs = new Dictionary<string, Contracts.Catalog.SelfTestInput> { ["x"] = new() { Shape = [1, 4], Fill = "uniform", Seed = 11, Min = -1, Max = 1 } },
                Tolerance = new Contracts.Catalog.SelfTestTolerance { Absolute = 1e-4, Relative = 1e-3 },
            });
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
