using EdgeAgent.Core.Audio.VoiceActivity;

namespace EdgeAgent.Core.Tests.Audio;

/// <summary>
/// The segmentation rules of silero's get_speech_timestamps on synthetic window probabilities. Positions are in
/// samples at 16 kHz; a window is 512 samples; the defaults give a 480-sample pad, 1600-sample minimum silence and
/// 4000-sample minimum speech.
/// </summary>
public sealed class SpeechSegmenterTests
{
    private const int W = 512;
    private const int Pad = 480;

    [Fact]
    public void Push_OneBurst_GivesOneSegmentPaddedBy30Ms()
    {
        var probs = Seq((0.1f, 10), (0.9f, 20), (0.1f, 30));

        var segments = Segment(probs);

        Assert.Equal([((10 * W) - Pad, (30 * W) + Pad)], segments);
    }

    [Fact]
    public void Push_DipBetweenEndAndStartThresholds_StaysInSpeech()
    {
        // 0.4 is below the 0.5 start threshold but not below the 0.35 end threshold: hysteresis keeps the speech open.
        var probs = Seq((0.1f, 10), (0.9f, 10), (0.4f, 20), (0.9f, 10), (0.1f, 30));

        var segments = Segment(probs);

        Assert.Equal([((10 * W) - Pad, (50 * W) + Pad)], segments);
    }

    [Fact]
    public void Push_ProbabilityBetweenThresholdsWithoutSpeechBefore_StartsNothing()
    {
        var segments = Segment(Seq((0.1f, 10), (0.49f, 40), (0.1f, 10)));

        Assert.Empty(segments);
    }

    [Fact]
    public void Push_ExactlyTheThreshold_StartsSpeech()
    {
        // get_speech_timestamps: speech_prob >= threshold.
        var segments = Segment(Seq((0.1f, 10), (0.5f, 10), (0.1f, 10)));

        Assert.Equal([((10 * W) - Pad, (20 * W) + Pad)], segments);
    }

    [Fact]
    public void Push_ExactlyTheEndThreshold_IsNotSilence()
    {
        // get_speech_timestamps: speech_prob < neg_threshold ends speech; equal does not.
        var options = new VadOptions { EndThreshold = 0.25 };

        var segments = Segment(Seq((0.9f, 10), (0.25f, 20), (0.1f, 10)), options);

        Assert.Equal([(0, (30 * W) + Pad)], segments);
    }

    [Theory]
    [InlineData(7, 0)] // 7 windows = 3584 samples, not more than 4000: dropped
    [InlineData(8, 1)] // 8 windows = 4096 samples: kept
    public void Push_BurstNearMinimumSpeech_IsKeptOnlyWhenLonger(int windows, int expected)
    {
        var segments = Segment(Seq((0.1f, 10), (0.9f, windows), (0.1f, 30)));

        Assert.Equal(expected, segments.Count);
    }

    [Theory]
    [InlineData(4, 1)] // the 4th silent window is 1536 samples after the silence began, under 1600: still one segment
    [InlineData(5, 2)] // the 5th is 2048 samples after: the first segment ends
    public void Push_GapNearMinimumSilence_SplitsOnlyWhenLonger(int gapWindows, int expected)
    {
        var segments = Segment(Seq((0.1f, 10), (0.9f, 20), (0.1f, gapWindows), (0.9f, 20), (0.1f, 30)));

        Assert.Equal(expected, segments.Count);
    }

    [Fact]
    public void Push_ShortDipIsNotEnd_SegmentSpansIt()
    {
        var segments = Segment(Seq((0.1f, 10), (0.9f, 20), (0.1f, 4), (0.9f, 20), (0.1f, 30)));

        Assert.Equal([((10 * W) - Pad, (54 * W) + Pad)], segments);
    }

    [Fact]
    public void Push_NeighboursCloserThanTwoPads_ShareTheGapHalfAndHalf()
    {
        // Pad 100 ms = 1600 samples, no minimum silence: a one-window gap (512 samples) is under 2 pads, so the first
        // segment ends and the second starts in the middle of the gap.
        var options = new VadOptions { MinSilenceDuration = TimeSpan.Zero, MinSpeechDuration = TimeSpan.Zero, SpeechPad = TimeSpan.FromMilliseconds(100) };

        var segments = Segment(Seq((0.1f, 10), (0.9f, 10), (0.1f, 1), (0.9f, 10), (0.1f, 40)), options);

        Assert.Equal([((10 * W) - 1600, (20 * W) + 256), ((21 * W) - 256, (31 * W) + 1600)], segments);
    }

    [Fact]
    public void Push_SpeechFromTheFirstWindow_StartsAtZeroNotBeforeIt()
    {
        var segments = Segment(Seq((0.9f, 20), (0.1f, 30)));

        Assert.Equal([(0, (20 * W) + Pad)], segments);
    }

    [Fact]
    public void Complete_SpeechStillOpen_EndsAtTheEndOfTheAudio()
    {
        var segments = Segment(Seq((0.1f, 10), (0.9f, 20)), lastWindowSamples: 100);

        Assert.Equal([((10 * W) - Pad, (29 * W) + 100)], segments);
    }

    [Fact]
    public void Complete_SilenceNotYetLongEnough_StillEndsAtTheEndOfTheAudio()
    {
        // get_speech_timestamps: speech open at the end (even in a short silence) ends at audio_length_samples.
        var segments = Segment(Seq((0.1f, 10), (0.9f, 20), (0.1f, 2)));

        Assert.Equal([((10 * W) - Pad, 32 * W)], segments);
    }

    [Fact]
    public void Complete_PadPastTheEnd_IsClampedToTheAudioLength()
    {
        // Pad 200 ms = 3200 samples; speech ends 612 samples before the end of the audio.
        var options = new VadOptions { MinSilenceDuration = TimeSpan.Zero, SpeechPad = TimeSpan.FromMilliseconds(200) };

        var segments = Segment(Seq((0.1f, 10), (0.9f, 20), (0.1f, 2)), options, lastWindowSamples: 100);

        Assert.Equal([((10 * W) - 3200, (31 * W) + 100)], segments);
    }

    [Fact]
    public void Complete_SpeechEndingInTheShortLastWindow_IsNotPaddedPastTheEnd()
    {
        // No minimum silence: speech ends where the last, 100-sample window starts; a 160-sample pad would reach 60
        // samples past the end of the audio, so the segment ends at the end instead, even though no later speech
        // could come within two pads.
        var options = new VadOptions { MinSilenceDuration = TimeSpan.Zero, SpeechPad = TimeSpan.FromMilliseconds(10) };

        var segments = Segment(Seq((0.1f, 10), (0.9f, 20), (0.1f, 1)), options, lastWindowSamples: 100);

        Assert.Equal([((10 * W) - 160, (30 * W) + 100)], segments);
    }

    [Fact]
    public void Complete_OpenSpeechShorterThanMinimum_IsDropped()
    {
        var segments = Segment(Seq((0.1f, 10), (0.9f, 7)), lastWindowSamples: 200);

        Assert.Empty(segments);
    }

    [Fact]
    public void Push_SpeechThenSilence_EmitsTheSegmentOnTheWindowThatEndsIt()
    {
        // A live stream learns of the segment 5 windows (160 ms) after the speech stops: 4 windows to exceed the
        // 100 ms minimum silence, then the pad is settled because no later start can come within 2 pads.
        var segmenter = new SpeechSegmenter(new VadOptions());
        var finals = new List<SpeechSegment>();
        foreach (var p in Seq((0.1f, 10), (0.9f, 20), (0.1f, 4)))
        {
            segmenter.Push(p, W, finals);
        }

        Assert.Empty(finals);

        segmenter.Push(0.1f, W, finals);

        Assert.Equal([((10 * W) - Pad, (30 * W) + Pad)], finals.Select(ToSamples));
    }

    [Fact]
    public void Push_AfterAShortLastWindow_Throws()
    {
        var segmenter = new SpeechSegmenter(new VadOptions());
        segmenter.Push(0.1f, 100, []);

        Assert.Throws<InvalidOperationException>(() => segmenter.Push(0.1f, W, []));
    }

    [Fact]
    public void Push_RandomProbabilitiesAndOptions_EqualsGetSpeechTimestamps()
    {
        // The incremental machine against a line-by-line port of silero's whole-file function, on 2000 random
        // sequences whose runs hover around the thresholds and whose gaps hover around minimum silence and 2 pads.
        var random = new Random(20240611);
        var compared = 0;
        var segmentsSeen = 0;
        for (var run = 0; run < 2000; run++)
        {
            var options = new VadOptions
            {
                Threshold = (float)(0.3 + (random.NextDouble() * 0.4)),
                EndThreshold = random.Next(3) == 0 ? null : (float)(0.05 + (random.NextDouble() * 0.25)),
                MinSpeechDuration = Duration(random, maxWindows: 16),
                MinSilenceDuration = Duration(random, maxWindows: 10),
                SpeechPad = Duration(random, maxWindows: 6),
            };
            var probs = new List<float>();
            var windows = random.Next(1, 300);
            while (probs.Count < windows)
            {
                var runLength = random.Next(1, 15);
                switch (random.Next(10))
                {
                    case 0: // exactly on a threshold, where >= and < decide
                        probs.AddRange(Enumerable.Repeat((float)(random.Next(2) == 0 ? options.Threshold : options.EffectiveEndThreshold), runLength));
                        break;
                    default:
                        var level = (float)random.NextDouble();
                        probs.AddRange(Enumerable.Repeat(0, runLength).Select(_ => Math.Clamp(level + ((float)random.NextDouble() * 0.1f) - 0.05f, 0f, 1f)));
                        break;
                }
            }

            probs.RemoveRange(windows, probs.Count - windows);
            var last = random.Next(2) == 0 ? W : random.Next(1, W);
            var length = ((long)(windows - 1) * W) + last;

            var expected = GetSpeechTimestampsReference.Run(probs, length, options);
            var actual = Segment(probs, options, last);

            Assert.True(expected.SequenceEqual(actual),
                $"run {run} ({options}): get_speech_timestamps gives [{string.Join(", ", expected)}], the segmenter [{string.Join(", ", actual)}]");
            compared++;
            segmentsSeen += expected.Count;
        }

        Assert.Equal(2000, compared);
        Assert.True(segmentsSeen > 1000, $"only {segmentsSeen} segments in 2000 runs; the generator does not exercise the rules");
    }

    /// <summary>A duration that is a whole number of windows (where equality decides), of milliseconds, or of ticks.</summary>
    private static TimeSpan Duration(Random random, int maxWindows) => random.Next(3) switch
    {
        0 => TimeSpan.FromMilliseconds(32 * random.Next(0, maxWindows + 1)),
        1 => TimeSpan.FromMilliseconds(random.Next(0, (32 * maxWindows) + 1)),
        _ => TimeSpan.FromTicks(random.NextInt64(0, 320_000L * maxWindows)),
    };

    internal static float[] Seq(params (float P, int Windows)[] runs) => runs.SelectMany(r => Enumerable.Repeat(r.P, r.Windows)).ToArray();

    private static List<(long, long)> Segment(IReadOnlyList<float> probs, VadOptions? options = null, int lastWindowSamples = W)
    {
        var segmenter = new SpeechSegmenter(options ?? new VadOptions());
        var finals = new List<SpeechSegment>();
        for (var i = 0; i < probs.Count; i++)
        {
            segmenter.Push(probs[i], i == probs.Count - 1 ? lastWindowSamples : W, finals);
        }

        segmenter.Complete(finals);
        return finals.Select(ToSamples).ToList();
    }

    private static (long, long) ToSamples(SpeechSegment s) => ((long)Math.Round(s.StartSeconds * 16_000), (long)Math.Round(s.EndSeconds * 16_000));
}
