namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>
/// Turns per-window speech probabilities into padded speech segments, one window at a time, with the rules of
/// silero-vad's <c>get_speech_timestamps</c> (snakers4/silero-vad, src/silero_vad/utils_vad.py; max_speech_duration_s
/// left infinite): a window at or above the threshold starts speech at the window's first sample; in speech, the first
/// window below the end threshold marks a possible end, which becomes the end once the silence has lasted the minimum
/// silence (a window back at the threshold cancels it); a segment not longer than the minimum speech is dropped; speech
/// still open at the end of the audio ends there. Segments are then padded on both sides, except that two segments
/// closer than twice the pad share the gap half and half, and nothing is padded past the ends of the audio.
/// <para>
/// The whole-file function pads after seeing every segment; this machine emits a segment as soon as its padding can no
/// longer change: when the next kept segment starts, or when no later start could come within twice the pad and the
/// padded end is inside the audio seen so far. So any chunking of the same windows yields the same segments.
/// </para>
/// </summary>
internal sealed class SpeechSegmenter
{
    private const int Window = SileroVadModel.WindowSamples;
    private const double SampleRate = SileroVadModel.SampleRate;

    private readonly double _threshold;
    private readonly double _endThreshold;
    private readonly double _minSpeechSamples;
    private readonly double _minSilenceSamples;
    private readonly double _padSamples;

    private long _windows;
    private long _length;
    private bool _ended;
    private bool _triggered;
    private long _speechStart;
    private long _silenceStart = -1;
    private bool _hasPending;
    private long _pendingStart;
    private long _pendingEnd;

    public SpeechSegmenter(VadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _threshold = options.Threshold;
        _endThreshold = options.EffectiveEndThreshold;
        _minSpeechSamples = Samples(options.MinSpeechDuration);
        _minSilenceSamples = Samples(options.MinSilenceDuration);
        _padSamples = Samples(options.SpeechPad);
    }

    /// <summary>Samples of audio seen so far (the sum of the windows' sample counts).</summary>
    public long Length => _length;

    /// <summary>Windows seen so far.</summary>
    public long Windows => _windows;

    /// <summary>
    /// Takes the probability of the next window, which held <paramref name="samples"/> real samples (fewer than a
    /// window only for the last one, zero-padded as get_speech_timestamps pads it), and adds any segment that became
    /// final to <paramref name="finals"/>. Allocates nothing unless <paramref name="finals"/> has to grow.
    /// </summary>
    public void Push(float probability, int samples, List<SpeechSegment> finals)
    {
        if (_ended)
        {
            throw new InvalidOperationException("the audio has ended (a short last window or Complete was seen); call Reset to start again");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, Window);
        var position = _windows * Window;
        _windows++;
        _length += samples;
        _ended = samples < Window;

        if (probability >= _threshold)
        {
            _silenceStart = -1;
            if (!_triggered)
            {
                _triggered = true;
                _speechStart = position;
            }
        }
        else if (probability < _endThreshold && _triggered)
        {
            if (_silenceStart < 0)
            {
                _silenceStart = position;
            }

            if (position - _silenceStart >= _minSilenceSamples)
            {
                Close(_speechStart, _silenceStart, finals);
                _triggered = false;
                _silenceStart = -1;
            }
        }

        if (_hasPending)
        {
            // Any later kept segment starts at or after this; if that is at least two pads away, the pending segment
            // gets a full pad, which is inside the audio already seen.
            var earliestNextStart = _triggered ? _speechStart : _windows * Window;
            var paddedEnd = (long)(_pendingEnd + _padSamples);
            if (earliestNextStart - _pendingEnd >= 2 * _padSamples && paddedEnd <= _length)
            {
                Emit(_pendingStart, paddedEnd, finals);
                _hasPending = false;
            }
        }
    }

    /// <summary>Ends the audio: closes open speech at the end and emits the last segments. Call <see cref="Reset"/> to reuse.</summary>
    public void Complete(List<SpeechSegment> finals)
    {
        _ended = true;
        if (_triggered && _length - _speechStart > _minSpeechSamples)
        {
            Keep(_speechStart, _length, finals);
        }

        _triggered = false;
        if (_hasPending)
        {
            Emit(_pendingStart, Math.Min(_length, (long)(_pendingEnd + _padSamples)), finals);
            _hasPending = false;
        }
    }

    public void Reset()
    {
        _windows = 0;
        _length = 0;
        _ended = false;
        _triggered = false;
        _speechStart = 0;
        _silenceStart = -1;
        _hasPending = false;
    }

    /// <summary>Sample count of a duration at 16 kHz, exact for whole milliseconds (ticks × rate is an integer before the one division).</summary>
    private static double Samples(TimeSpan duration) => duration.Ticks * (long)SampleRate / (double)TimeSpan.TicksPerSecond;

    private void Close(long start, long end, List<SpeechSegment> finals)
    {
        if (end - start > _minSpeechSamples)
        {
            Keep(start, end, finals);
        }
    }

    /// <summary>A kept raw segment: settles the pending one's end (and this one's start) by the gap between them.</summary>
    private void Keep(long start, long end, List<SpeechSegment> finals)
    {
        long paddedStart;
        if (_hasPending)
        {
            var silence = start - _pendingEnd;
            if (silence < 2 * _padSamples)
            {
                Emit(_pendingStart, _pendingEnd + (silence / 2), finals);
                paddedStart = Math.Max(0, start - (silence / 2));
            }
            else
            {
                Emit(_pendingStart, (long)(_pendingEnd + _padSamples), finals);
                paddedStart = (long)Math.Max(0, start - _padSamples);
            }
        }
        else
        {
            paddedStart = (long)Math.Max(0, start - _padSamples);
        }

        _hasPending = true;
        _pendingStart = paddedStart;
        _pendingEnd = end;
    }

    private static void Emit(long start, long end, List<SpeechSegment> finals) =>
        finals.Add(new SpeechSegment(start / SampleRate, end / SampleRate));
}
