using System.Globalization;
using EdgeAgent.Core.Audio.VoiceActivity;
using Xunit.Abstractions;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

/// <summary>
/// silero-vad v5 in the real ONNX Runtime, on speech spoken by espeak-ng and on silence and noise. Runs alone: these
/// tests allocate tens of megabytes, and a garbage collection they trigger inside another test's measured loop moves
/// that test's GC.GetAllocatedBytesForCurrentThread by an 8 KB allocation quantum.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class VoiceActivityDetectorTests(SileroVadFixture model, ITestOutputHelper output) : IClassFixture<SileroVadFixture>
{
    /// <summary>How far a segment boundary may be from where the utterance's sound starts or ends.</summary>
    private const double BoundaryToleranceMs = 150;

    [Fact]
    public void DetectAll_ThreeSpokenSentencesBetweenKnownSilences_FindsEachWithin150Ms()
    {
        var clip = SpeechClip.ThreeUtterances;
        var detector = new VoiceActivityDetector(model.Session);

        var segments = detector.DetectAll(clip.Samples);

        output.WriteLine($"segments: {string.Join(", ", segments.Select(s => $"{s.StartSeconds:F3}-{s.EndSeconds:F3} s"))}");
        Assert.Equal(clip.Utterances.Count, segments.Count);
        var errors = new List<string>();
        for (var i = 0; i < segments.Count; i++)
        {
            var (start, end) = clip.Utterances[i];
            var startError = (segments[i].StartSeconds - (start / 16_000.0)) * 1000;
            var endError = (segments[i].EndSeconds - (end / 16_000.0)) * 1000;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"utterance {i + 1}: truth {start / 16_000.0:F3}-{end / 16_000.0:F3} s, start error {startError:+0;-0} ms, end error {endError:+0;-0} ms"));
            if (Math.Abs(startError) > BoundaryToleranceMs || Math.Abs(endError) > BoundaryToleranceMs)
            {
                errors.Add($"utterance {i + 1}: start off by {startError:F0} ms, end by {endError:F0} ms");
            }
        }

        Assert.True(errors.Count == 0, string.Join("; ", errors));
    }

    [Fact]
    public void ScoreWindows_SpokenSentences_AreSpeechInsideAndSilenceOutside()
    {
        // The probabilities themselves, away from the edges (±100 ms): most windows inside an utterance score at
        // least 0.5 and every window in the silences scores below 0.35.
        var clip = SpeechClip.ThreeUtterances;
        var probabilities = new VoiceActivityDetector(model.Session).ScoreWindows(clip.Samples);

        var inside = new List<float>();
        var outside = new List<float>();
        for (var k = 0; k < probabilities.Count; k++)
        {
            var from = k * 512;
            var to = from + 512;
            if (clip.Utterances.Any(u => from >= u.Start + 1600 && to <= u.End - 1600))
            {
                inside.Add(probabilities[k]);
            }
            else if (clip.Utterances.All(u => to <= u.Start - 1600 || from >= u.End + 1600))
            {
                outside.Add(probabilities[k]);
            }
        }

        var speechShare = inside.Count(p => p >= 0.5f) / (double)inside.Count;
        output.WriteLine($"inside: {inside.Count} windows, {speechShare:P1} at >= 0.5, min {inside.Min():F3}; outside: {outside.Count} windows, max {outside.Max():F3}");
        Assert.True(inside.Count > 50 && outside.Count > 50, $"{inside.Count} windows inside, {outside.Count} outside");
        Assert.True(speechShare > 0.9, $"only {speechShare:P1} of the windows inside the utterances score 0.5 or more");
        Assert.True(outside.Max() < 0.35f, $"a window in the silence scores {outside.Max():F3}");
    }

    [Fact]
    public void ScoreWindows_RealClip_EqualsSilerosOnnxWrapperLoopOnTheSameSession()
    {
        // The loop of silero's audio_forward/OnnxWrapper.__call__ (snakers4/silero-vad, src/silero_vad/utils_vad.py),
        // written out plainly: pad the audio to whole 512-sample windows; x = cat([context, chunk]) with context zeros
        // at first; run with state (zeros at first) and sr = 16000; state = stateN; context = x[..., -64:].
        var clip = SpeechClip.ThreeUtterances.Samples;
        var session = model.Session;
        var padded = new float[(clip.Length + 511) / 512 * 512];
        clip.CopyTo(padded, 0);
        var context = new float[64];
        var state = new float[2 * 1 * 128];
        var expected = new List<float>();
        for (var i = 0; i < padded.Length; i += 512)
        {
            float[] x = [.. context, .. padded.AsSpan(i, 512)];
            x.CopyTo(session.Input<float>(0, [1, 576]));
            state.CopyTo(session.Input<float>(1, [2, 1, 128]));
            session.Input<long>(2, [])[0] = 16_000;
            session.Run();
            expected.Add(session.Output<float>(0)[0]);
            state = session.Output<float>(1).ToArray();
            context = x[^64..];
        }

        var actual = new VoiceActivityDetector(session).ScoreWindows(clip);

        Assert.Equal(expected.Count, actual.Count);
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) < 1e-6f, $"window {k}: the wrapper loop scores {expected[k]}, the detector {actual[k]}");
        }
    }

    [Fact]
    public void DetectAll_TenSecondsOfZeros_FindsNothing()
    {
        var silence = new float[160_000];
        var detector = new VoiceActivityDetector(model.Session);

        var segments = detector.DetectAll(silence);
        var probabilities = detector.ScoreWindows(silence);

        output.WriteLine($"max probability on digital silence: {probabilities.Max():F4}");
        Assert.Empty(segments);
        Assert.Equal(313, probabilities.Count);
        Assert.True(probabilities.Max() < 0.1f, $"silence scores up to {probabilities.Max():F4}");
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.3)]
    public void DetectAll_TenSecondsOfWhiteNoise_FindsNothing(double amplitude)
    {
        // Uniform white noise, seeded. 0.05 peak (RMS 0.029, −31 dBFS) is a loud room through a close microphone;
        // 0.3 peak (RMS 0.17, −15 dBFS) is far beyond any room and near a clipping microphone.
        var random = new Random(42);
        var noise = new float[160_000];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)(((random.NextDouble() * 2) - 1) * amplitude);
        }

        var detector = new VoiceActivityDetector(model.Session);

        var segments = detector.DetectAll(noise);
        var probabilities = detector.ScoreWindows(noise);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"noise ±{amplitude}: max probability {probabilities.Max():F4}, mean {probabilities.Average():F4}, windows >= 0.5: {probabilities.Count(p => p >= 0.5f)}"));
        Assert.Empty(segments);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(511)]
    [InlineData(513)]
    [InlineData(1234)]
    [InlineData(4097)]
    public void Push_OddChunkSizes_GivesTheSegmentsOfDetectAll(int chunk)
    {
        var clip = SpeechClip.ThreeUtterances;
        var detector = new VoiceActivityDetector(model.Session);
        var whole = detector.DetectAll(clip.Samples);

        var stream = detector.CreateStream();
        var streamed = new List<SpeechSegment>();
        var emittedBeforeComplete = 0;
        for (var at = 0; at < clip.Samples.Length; at += chunk)
        {
            streamed.AddRange(stream.Push(clip.Samples.AsSpan(at, Math.Min(chunk, clip.Samples.Length - at))));
            emittedBeforeComplete = streamed.Count;
        }

        streamed.AddRange(stream.Complete());

        Assert.Equal(3, whole.Count);
        Assert.Equal(whole, streamed);
        Assert.Equal(3, emittedBeforeComplete); // the clip ends in 0.8 s of silence: all three are final before the end
    }
}
