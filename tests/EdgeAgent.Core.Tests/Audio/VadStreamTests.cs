using EdgeAgent.Core.Audio.VoiceActivity;
using EdgeAgent.TestKit.Memory;

namespace EdgeAgent.Core.Tests.Audio;

/// <summary>
/// Windowing, context, state and chunking of <see cref="VadStream"/> and <see cref="VoiceActivityDetector"/> over a
/// fake session that scores each window by its mean sample (see <see cref="FakeSileroSession"/>).
/// </summary>
public sealed class VadStreamTests
{
    private const int W = 512;

    /// <summary>Three bursts (one too short to keep), gaps at and around the rules' limits, and a 300-sample tail.</summary>
    private static readonly float[] Probabilities = SpeechSegmenterTests.Seq(
        (0.05f, 12), (0.9f, 25), (0.4f, 6), (0.2f, 3), (0.8f, 30), (0.1f, 40), (0.7f, 5), (0.05f, 20), (0.95f, 60), (0.3f, 10), (0.6f, 40));

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(1000)]
    [InlineData(16000)]
    public void Push_AnyChunkSize_GivesTheSegmentsOfDetectAll(int chunk)
    {
        var audio = Audio(Probabilities, tail: 300);
        var detector = new VoiceActivityDetector(new FakeSileroSession());
        var whole = detector.DetectAll(audio);

        var stream = detector.CreateStream();
        var streamed = new List<SpeechSegment>();
        for (var at = 0; at < audio.Length; at += chunk)
        {
            streamed.AddRange(stream.Push(audio.AsSpan(at, Math.Min(chunk, audio.Length - at))));
        }

        streamed.AddRange(stream.Complete());

        Assert.Equal(3, whole.Count);
        Assert.Equal(whole, streamed);
        Assert.Equal(audio.Length, stream.SamplesPushed);
    }

    [Fact]
    public void Push_RandomChunks_GivesTheSegmentsOfDetectAll()
    {
        var audio = Audio(Probabilities, tail: 77);
        var detector = new VoiceActivityDetector(new FakeSileroSession());
        var whole = detector.DetectAll(audio);
        var random = new Random(5);

        var stream = detector.CreateStream();
        var streamed = new List<SpeechSegment>();
        for (var at = 0; at < audio.Length;)
        {
            var n = Math.Min(random.Next(0, 3000), audio.Length - at);
            streamed.AddRange(stream.Push(audio.AsSpan(at, n)));
            at += n;
        }

        streamed.AddRange(stream.Complete());

        Assert.Equal(whole, streamed);
    }

    [Fact]
    public void DetectAll_FakeScores_EqualsGetSpeechTimestampsOnTheSameScores()
    {
        var audio = Audio(Probabilities, tail: 300);
        var detector = new VoiceActivityDetector(new FakeSileroSession());

        var scores = detector.ScoreWindows(audio);
        var segments = detector.DetectAll(audio);

        Assert.Equal(Probabilities.Length + 1, scores.Count);
        Assert.Equal(Probabilities, scores.Take(Probabilities.Length));
        Assert.Equal(
            GetSpeechTimestampsReference.Run(scores, audio.Length, detector.Options),
            segments.Select(s => ((long)Math.Round(s.StartSeconds * 16_000), (long)Math.Round(s.EndSeconds * 16_000))));
    }

    [Fact]
    public void Push_SegmentEndsMidStream_IsReturnedBeforeComplete()
    {
        var audio = Audio(SpeechSegmenterTests.Seq((0.1f, 10), (0.9f, 20), (0.1f, 10)), tail: 0);
        var stream = new VoiceActivityDetector(new FakeSileroSession()).CreateStream();

        var pushed = stream.Push(audio);
        var completed = stream.Complete();

        Assert.Equal([new SpeechSegment(((10 * W) - 480) / 16_000.0, ((30 * W) + 480) / 16_000.0)], pushed);
        Assert.Empty(completed);
    }

    [Fact]
    public void Push_InChunksOf100_FeedsEachWindowWithThePrevious64SamplesAndTheCarriedState()
    {
        var audio = Enumerable.Range(0, (5 * W) + 10).Select(i => i / 10_000f).ToArray();
        var session = new FakeSileroSession { Record = true };
        var stream = new VoiceActivityDetector(session).CreateStream();

        for (var at = 0; at < audio.Length; at += 100)
        {
            stream.Push(audio.AsSpan(at, Math.Min(100, audio.Length - at)));
        }

        stream.Complete();

        Assert.Equal(6, session.Runs);
        Assert.Equal(new float[64], session.Contexts[0]);
        for (var k = 1; k < 6; k++)
        {
            Assert.Equal(audio[((k * W) - 64)..(k * W)], session.Contexts[k]);
        }

        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], session.States);
    }

    [Fact]
    public void CreateStream_TwoStreamsTakingTurns_KeepTheirOwnState()
    {
        var session = new FakeSileroSession { Record = true };
        var detector = new VoiceActivityDetector(session);
        var a = detector.CreateStream();
        var b = detector.CreateStream();
        var window = new float[W];

        a.Push(window);
        a.Push(window);
        b.Push(window);
        a.Push(window);

        Assert.Equal([0f, 1f, 0f, 2f], session.States);
    }

    [Fact]
    public void Push_NoSegmentCompleted_AllocatesNothing()
    {
        var stream = new VoiceActivityDetector(new FakeSileroSession()).CreateStream();
        var chunk = new float[700];
        stream.Push(chunk);

        var rounds = Allocations.Measure(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                stream.Push(chunk);
            }
        });

        Assert.True(rounds.Least == 0, rounds.ToString());
        Assert.Equal(1368, stream.WindowsScored);
    }

    [Fact]
    public void DetectAll_NoSamples_ScoresNothingAndFindsNothing()
    {
        var session = new FakeSileroSession();
        var detector = new VoiceActivityDetector(session);

        Assert.Empty(detector.DetectAll([]));
        Assert.Equal(0, session.Runs);
    }

    [Fact]
    public void Push_AfterComplete_Throws()
    {
        var stream = new VoiceActivityDetector(new FakeSileroSession()).CreateStream();
        stream.Complete();

        Assert.Empty(stream.Complete());
        Assert.Throws<InvalidOperationException>(() => stream.Push(new float[10]));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<ArgumentException>(() => new VoiceActivityDetector(new FakeSileroSession(), new VadOptions { Threshold = 1.5 }));

        Assert.Contains("VadOptions.Threshold is 1.5", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Audio whose window k has every sample equal to probs[k] (so the fake scores it probs[k]), plus a quiet tail.</summary>
    private static float[] Audio(float[] probs, int tail) =>
        [.. probs.SelectMany(p => Enumerable.Repeat(p, W)), .. new float[tail]];
}
