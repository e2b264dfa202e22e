using EdgeAgent.Core.Audio.VoiceActivity;

namespace EdgeAgent.Core.Tests.Audio;

/// <summary>
/// A line-by-line port of the whole-file segmentation in silero-vad's <c>get_speech_timestamps</c>
/// (snakers4/silero-vad, src/silero_vad/utils_vad.py) with max_speech_duration_s infinite, over given window
/// probabilities: the oracle the incremental <see cref="SpeechSegmenter"/> is checked against. Returns sample positions.
/// </summary>
internal static class GetSpeechTimestampsReference
{
    public static List<(long Start, long End)> Run(IReadOnlyList<float> speechProbs, long audioLengthSamples, VadOptions options)
    {
        const int windowSizeSamples = 512;
        const int samplingRate = 16_000;
        var threshold = options.Threshold;
        var minSpeechSamples = samplingRate * options.MinSpeechDuration.Ticks / (double)TimeSpan.TicksPerSecond;
        var speechPadSamples = samplingRate * options.SpeechPad.Ticks / (double)TimeSpan.TicksPerSecond;
        var minSilenceSamples = samplingRate * options.MinSilenceDuration.Ticks / (double)TimeSpan.TicksPerSecond;
        var negThreshold = options.EndThreshold ?? Math.Max(threshold - 0.15, 0.01);

        var triggered = false;
        var speeches = new List<long[]>();
        long[]? currentSpeech = null; // [start, end]
        long tempEnd = 0;

        for (var i = 0; i < speechProbs.Count; i++)
        {
            double speechProb = speechProbs[i];
            if (speechProb >= threshold && tempEnd != 0)
            {
                tempEnd = 0;
            }

            if (speechProb >= threshold && !triggered)
            {
                triggered = true;
                currentSpeech = [windowSizeSamples * (long)i, 0];
                continue;
            }

            if (speechProb < negThreshold && triggered)
            {
                if (tempEnd == 0)
                {
                    tempEnd = windowSizeSamples * (long)i;
                }

                if ((windowSizeSamples * (long)i) - tempEnd < minSilenceSamples)
                {
                    continue;
                }

                currentSpeech![1] = tempEnd;
                if (currentSpeech[1] - currentSpeech[0] > minSpeechSamples)
                {
                    speeches.Add(currentSpeech);
                }

                currentSpeech = null;
                tempEnd = 0;
                triggered = false;
            }
        }

        if (currentSpeech is not null && audioLengthSamples - currentSpeech[0] > minSpeechSamples)
        {
            currentSpeech[1] = audioLengthSamples;
            speeches.Add(currentSpeech);
        }

        for (var i = 0; i < speeches.Count; i++)
        {
            var speech = speeches[i];
            if (i == 0)
            {
                speech[0] = (long)Math.Max(0, speech[0] - speechPadSamples);
            }

            if (i != speeches.Count - 1)
            {
                var silenceDuration = speeches[i + 1][0] - speech[1];
                if (silenceDuration < 2 * speechPadSamples)
                {
                    speech[1] += silenceDuration / 2;
                    speeches[i + 1][0] = Math.Max(0, speeches[i + 1][0] - (silenceDuration / 2));
                }
                else
                {
                    speech[1] = (long)Math.Min(audioLengthSamples, speech[1] + speechPadSamples);
                    speeches[i + 1][0] = (long)Math.Max(0, speeches[i + 1][0] - speechPadSamples);
                }
            }
            else
            {
                speech[1] = (long)Math.Min(audioLengthSamples, speech[1] + speechPadSamples);
            }
        }

        return speeches.Select(s => (s[0], s[1])).ToList();
    }
}
