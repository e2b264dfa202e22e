using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>
/// Finds speech in 16 kHz mono audio with silero-vad v5: the model scores every 32 ms window (512 samples) and the
/// probabilities are segmented as silero's <c>get_speech_timestamps</c> does (see <see cref="VadOptions"/>). Whole
/// files go through <see cref="DetectAll"/>; live audio through a <see cref="VadStream"/> from <see cref="CreateStream"/>.
/// Both run the same incremental machine, so they agree exactly. The caller owns the session; one thread at a time.
/// </summary>
public sealed class VoiceActivityDetector
{
    private readonly SileroVadModel _model;

    /// <exception cref="ArgumentException">The session is not silero-vad v5, or the options are invalid.</exception>
    public VoiceActivityDetector(IInferenceSession session, VadOptions? options = null)
    {
        Options = options ?? new VadOptions();
        Options.Validate();
        _model = new SileroVadModel(session);
    }

    public VadOptions Options { get; }

    /// <summary>The duration of one scored window: 512 samples at 16 kHz, 32 ms.</summary>
    public static TimeSpan WindowDuration { get; } = TimeSpan.FromTicks(SileroVadModel.WindowSamples * TimeSpan.TicksPerSecond / SileroVadModel.SampleRate);

    /// <summary>The speech segments of a whole recording.</summary>
    public IReadOnlyList<SpeechSegment> DetectAll(ReadOnlySpan<float> samples16k)
    {
        var stream = CreateStream();
        var segments = new List<SpeechSegment>(stream.Push(samples16k));
        segments.AddRange(stream.Complete());
        return segments;
    }

    /// <summary>A stream with fresh model state, for audio that arrives in pieces.</summary>
    public VadStream CreateStream() => new(_model, Options);

    /// <summary>The speech probability of every 512-sample window (the last one zero-padded), as the model gives it.</summary>
    public IReadOnlyList<float> ScoreWindows(ReadOnlySpan<float> samples16k)
    {
        var stream = CreateStream();
        stream.Probabilities = new List<float>((samples16k.Length / SileroVadModel.WindowSamples) + 1);
        stream.Push(samples16k);
        stream.Complete();
        return stream.Probabilities;
    }
}
