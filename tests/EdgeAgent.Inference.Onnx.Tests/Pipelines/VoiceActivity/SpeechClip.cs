using EdgeAgent.Core.Audio;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

/// <summary>
/// Utterances spoken by espeak-ng, joined by stretches of digital silence of known length, with the sample range of each
/// utterance: the ground truth the detector's segments are held to.
/// </summary>
internal sealed class SpeechClip
{
    private static readonly Lazy<SpeechClip> LazyThreeUtterances = new(() => Build(
        leading: 0.6,
        ("Turn left at the next corner.", 1.0),
        ("The battery is low.", 1.5),
        ("Please bring me a cup of coffee.", 0.8)));

    private SpeechClip(float[] samples, IReadOnlyList<(int Start, int End)> utterances)
    {
        Samples = samples;
        Utterances = utterances;
    }

    /// <summary>0.6 s of silence, then three sentences followed by 1.0 s, 1.5 s and 0.8 s of silence.</summary>
    public static SpeechClip ThreeUtterances => LazyThreeUtterances.Value;

    public float[] Samples { get; }

    /// <summary>Where each utterance's sound starts and ends, in samples at 16 kHz.</summary>
    public IReadOnlyList<(int Start, int End)> Utterances { get; }

    private static SpeechClip Build(double leading, params (string Text, double SilenceAfter)[] parts)
    {
        var samples = new List<float>(new float[Seconds(leading)]);
        var utterances = new List<(int, int)>();
        foreach (var (text, silenceAfter) in parts)
        {
            var speech = EspeakSpeech.Say(text);
            utterances.Add((samples.Count, samples.Count + speech.Length));
            samples.AddRange(speech);
            samples.AddRange(new float[Seconds(silenceAfter)]);
        }

        return new SpeechClip([.. samples], utterances);
    }

    private static int Seconds(double s) => (int)Math.Round(s * AudioClip.SampleRate);
}
