using System.Diagnostics;
using EdgeAgent.Core.Audio.VoiceActivity;
using Xunit.Abstractions;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

[Collection(nameof(RunsAlone))]
public sealed class VoiceActivityAllocationTests(SileroVadFixture model, ITestOutputHelper output) : IClassFixture<SileroVadFixture>
{
    private const int Windows = 10_000;

    [Fact]
    public void Push_TenThousandWindowsOfRealSpeech_CausesNoGen0CollectionAndAllocatesOnlyTheSegmentsItReturns()
    {
        // 10,000 windows (320 s) of the espeak clip, looped, pushed in 700-sample chunks through the real model; the
        // only allocations allowed are the arrays holding segments that became final.
        var clip = SpeechClip.ThreeUtterances.Samples;
        var audio = new float[Windows * 512];
        for (var at = 0; at < audio.Length; at += clip.Length)
        {
            clip.AsSpan(0, Math.Min(clip.Length, audio.Length - at)).CopyTo(audio.AsSpan(at));
        }

        var stream = new VoiceActivityDetector(model.Session).CreateStream();
        stream.Push(audio.AsSpan(0, 512 * 4)); // warm: the session binds its buffers on the first run
        var pushes = 0;
        var segments = 0;
        var withSegments = 0;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var collections = GC.CollectionCount(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var at = 512 * 4; at < audio.Length; at += 700)
        {
            var final = stream.Push(audio.AsSpan(at, Math.Min(700, audio.Length - at)));
            pushes++;
            segments += final.Count;
            withSegments += final.Count > 0 ? 1 : 0;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var gen0 = GC.CollectionCount(0) - collections;

        var scored = stream.WindowsScored - 4;
        var perWindow = elapsed.TotalMilliseconds / scored;
        output.WriteLine($"{scored} windows in {elapsed.TotalMilliseconds:F0} ms: {perWindow * 1000:F0} µs per 32 ms window (real-time factor {perWindow / 32:F4})");
        output.WriteLine($"{pushes} pushes, {segments} segments in {withSegments} results, {bytes} bytes allocated, {gen0} gen-0 collections");
        Assert.Equal(Windows - 4, scored);
        Assert.Equal(0, gen0);
        Assert.True(segments > 50, $"only {segments} segments in 320 s of looped speech");
        Assert.True(bytes <= withSegments * 64L, $"{bytes} bytes allocated for {withSegments} results of {segments} segments");
        Assert.True(perWindow < 32, $"{perWindow:F2} ms per 32 ms window is slower than real time");
    }
}
