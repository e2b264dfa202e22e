using System.Runtime.CompilerServices;
using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Media.Audio;

namespace EdgeAgent.Media.Replay;

/// <summary>
/// A microphone replayed from a recorded trace: each <c>"kind":"audio"</c> line of the sensor is a WAV file (decoded to
/// 16 kHz mono) that started at <c>t_ms</c>; it is yielded in clips of the window length, each when a microphone would
/// have finished capturing it: the clip covering [t, t + window) at t + window, the last, shorter one at the
/// recording's end. Times are on the injected <see cref="TimeProvider"/>. A recording that runs past the next line's
/// t_ms delays that line (clips stay in order).
/// </summary>
public sealed class ReplayAudioSource : IFrameSource<AudioClip>
{
    private readonly IReadOnlyList<MediaTraceEntry> _entries;
    private readonly TimeProvider _time;
    private readonly int _windowSamples;

    /// <param name="window">Clip length: 10 ms to 60 s and a whole number of 16 kHz samples, as the microphone's.</param>
    public ReplayAudioSource(string tracePath, string sensor, TimeSpan window, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var samples = window.TotalSeconds * AudioClip.SampleRate;
        if (window < TimeSpan.FromMilliseconds(10) || window > TimeSpan.FromMinutes(1) || samples != Math.Floor(samples))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "the replay window must be 10 ms to 60 s and a whole number of 16 kHz samples");
        }

        _entries = MediaTrace.Read(tracePath, sensor, "audio");
        _time = time;
        _windowSamples = (int)samples;
        Name = $"replay:{tracePath}#{sensor}";
    }

    public string Name { get; }

    public bool IsLive => true;

    /// <summary>How many recordings the trace holds for the sensor.</summary>
    public int Count => _entries.Count;

    public async IAsyncEnumerable<AudioClip> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        foreach (var entry in _entries)
        {
            var recording = WavDecoder.Decode(entry.File);
            for (var offset = 0; offset < recording.Samples.Length; offset += _windowSamples)
            {
                var length = Math.Min(_windowSamples, recording.Samples.Length - offset);
                var clip = new AudioClip(recording.Samples.AsSpan(offset, length).ToArray(),
                    recording.SourceSampleRate, recording.SourceChannels, recording.SourceBitsPerSample);
                var end = entry.At + TimeSpan.FromTicks((offset + length) * TimeSpan.TicksPerSecond / AudioClip.SampleRate);
                await ReplayClock.WaitUntilAsync(_time, start, end, cancellationToken).ConfigureAwait(false);
                yield return clip;
            }
        }
    }
}
