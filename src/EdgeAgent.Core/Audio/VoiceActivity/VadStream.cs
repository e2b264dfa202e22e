using System.Diagnostics.CodeAnalysis;

namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>
/// Voice-activity detection over audio that arrives in pieces (a live microphone): push 16 kHz mono samples in chunks
/// of any size and get back the segments that have become final. Whatever the chunking, the segments are exactly those
/// <see cref="VoiceActivityDetector.DetectAll"/> finds in the whole audio. A push that completes no segment allocates
/// nothing. Not thread-safe; streams of one detector share its model session, so use them from one thread at a time.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A stream of audio windows, not a System.IO.Stream; the name is the agreed public API.")]
public sealed class VadStream
{
    private static readonly IReadOnlyList<SpeechSegment> NoSegments = [];

    private readonly SileroVadModel _model;
    private readonly SpeechSegmenter _segmenter;
    private readonly float[] _window = new float[SileroVadModel.WindowSamples];
    private readonly float[] _context = new float[SileroVadModel.ContextSamples];
    private readonly float[] _state = new float[SileroVadModel.StateLength];
    private readonly List<SpeechSegment> _finals = new(capacity: 4);
    private int _buffered;
    private bool _completed;

    internal VadStream(SileroVadModel model, VadOptions options)
    {
        _model = model;
        _segmenter = new SpeechSegmenter(options);
    }

    /// <summary>Samples pushed so far.</summary>
    public long SamplesPushed => _segmenter.Length + _buffered;

    /// <summary>Windows (512 samples each, 32 ms) the model has scored so far.</summary>
    public long WindowsScored => _segmenter.Windows;

    /// <summary>The speech probability of the last scored window (0 before the first).</summary>
    public float LastProbability { get; private set; }

    /// <summary>When set, receives every window's probability in order (for tests and diagnostics).</summary>
    internal List<float>? Probabilities { get; set; }

    /// <summary>Feeds samples; returns the segments that became final (usually none).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called already.</exception>
    public IReadOnlyList<SpeechSegment> Push(ReadOnlySpan<float> samples16k)
    {
        if (_completed)
        {
            throw new InvalidOperationException("this stream is complete; create a new one with VoiceActivityDetector.CreateStream()");
        }

        while (!samples16k.IsEmpty)
        {
            if (_buffered == 0 && samples16k.Length >= _window.Length)
            {
                Score(samples16k[.._window.Length], _window.Length);
                samples16k = samples16k[_window.Length..];
                continue;
            }

            var take = Math.Min(_window.Length - _buffered, samples16k.Length);
            samples16k[..take].CopyTo(_window.AsSpan(_buffered));
            _buffered += take;
            samples16k = samples16k[take..];
            if (_buffered == _window.Length)
            {
                _buffered = 0;
                Score(_window, _window.Length);
            }
        }

        return TakeFinals();
    }

    /// <summary>Ends the audio: scores the last partial window (zero-padded) and returns the remaining segments.</summary>
    public IReadOnlyList<SpeechSegment> Complete()
    {
        if (_completed)
        {
            return NoSegments;
        }

        _completed = true;
        if (_buffered > 0)
        {
            // get_speech_timestamps pads the last chunk with zeros to a whole window.
            _window.AsSpan(_buffered).Clear();
            Score(_window, _buffered);
            _buffered = 0;
        }

        _segmenter.Complete(_finals);
        return TakeFinals();
    }

    private void Score(ReadOnlySpan<float> window, int realSamples)
    {
        var probability = _model.Score(window, _context, _state);
        LastProbability = probability;
        Probabilities?.Add(probability);
        _segmenter.Push(probability, realSamples, _finals);
    }

    private IReadOnlyList<SpeechSegment> TakeFinals()
    {
        if (_finals.Count == 0)
        {
            return NoSegments;
        }

        var result = _finals.ToArray();
        _finals.Clear();
        return result;
    }
}
