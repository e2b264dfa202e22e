using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>
/// Runs one window through silero-vad v5 the way silero's own ONNX wrapper does (snakers4/silero-vad,
/// src/silero_vad/utils_vad.py, <c>OnnxWrapper.__call__</c>): the input is the last 64 samples of the previous window
/// (the context; zeros before the first window) followed by the 512 new samples, shaped [1, 576]; <c>state</c> is the
/// [2, 1, 128] recurrent state the previous run returned as <c>stateN</c> (zeros at first, <c>reset_states</c>);
/// <c>sr</c> is the int64 scalar 16000. The output is the window's speech probability, shaped [1, 1].
/// The caller keeps context and state, so several streams can take turns on one session.
/// </summary>
internal sealed class SileroVadModel
{
    /// <summary>The only rate this pipeline feeds (OnnxWrapper: sample_rates [8000, 16000]; 16 kHz uses 512-sample windows).</summary>
    public const int SampleRate = AudioClip.SampleRate;

    /// <summary>New samples per window at 16 kHz (OnnxWrapper.__call__: num_samples = 512 if sr == 16000).</summary>
    public const int WindowSamples = 512;

    /// <summary>Samples of the previous window put in front of each window (OnnxWrapper.__call__: context_size = 64 if sr == 16000).</summary>
    public const int ContextSamples = 64;

    /// <summary>Floats in the recurrent state (OnnxWrapper.reset_states: torch.zeros((2, batch_size, 128)) with batch 1).</summary>
    public const int StateLength = 2 * 1 * 128;

    private static readonly long[] InputShape = [1, ContextSamples + WindowSamples];
    private static readonly long[] StateShape = [2, 1, 128];
    private static readonly long[] ScalarShape = [];

    private readonly IInferenceSession _session;
    private readonly int _input;
    private readonly int _state;
    private readonly int _sr;
    private readonly int _output;
    private readonly int _stateN;

    public SileroVadModel(IInferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        var entry = session.Entry;
        var problems = new List<string>();
        _input = Find(entry.Inputs, "input", "float32", "input", problems);
        _state = Find(entry.Inputs, "state", "float32", "input", problems);
        _sr = Find(entry.Inputs, "sr", "int64", "input", problems);
        _output = Find(entry.Outputs, "output", "float32", "output", problems);
        _stateN = Find(entry.Outputs, "stateN", "float32", "output", problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"model '{entry.Name}' is not silero-vad v5 as the voice-activity pipeline runs it: {string.Join("; ", problems)}", nameof(session));
        }
    }

    /// <summary>
    /// Scores <paramref name="window"/> (exactly <see cref="WindowSamples"/> samples), then moves <paramref name="context"/>
    /// and <paramref name="state"/> on to what the next window needs. Allocates nothing.
    /// </summary>
    public float Score(ReadOnlySpan<float> window, Span<float> context, Span<float> state)
    {
        var input = _session.Input<float>(_input, InputShape);
        context.CopyTo(input);
        window.CopyTo(input[ContextSamples..]);
        state.CopyTo(_session.Input<float>(_state, StateShape));
        _session.Input<long>(_sr, ScalarShape)[0] = SampleRate;

        _session.Run();

        var probability = _session.Output<float>(_output);
        var next = _session.Output<float>(_stateN);
        if (probability.Length != 1 || next.Length != StateLength)
        {
            throw new InferenceException(
                $"model '{_session.Entry.Name}' returned {probability.Length} probabilities and a state of {next.Length} floats; silero-vad v5 returns 1 and {StateLength}");
        }

        next.CopyTo(state);
        window[^ContextSamples..].CopyTo(context);
        return probability[0];
    }

    private static int Find(IReadOnlyList<Contracts.Catalog.TensorSpec> specs, string name, string type, string role, List<string> problems)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                if (specs[i].Type != type)
                {
                    problems.Add($"{role} '{name}' is {specs[i].Type}, expected {type}");
                }

                return i;
            }
        }

        problems.Add($"it has no {role} '{name}'");
        return -1;
    }
}
