using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace EdgeAgent.Media.Microphone;

/// <summary>Which ALSA device the microphone is and how long each clip is.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "RangeAttribute(typeof(TimeSpan), ...) converts its bounds with TimeSpan's intrinsic TypeConverter, which trimming keeps; the published NativeAOT agent rejects out-of-range values (README, Publish).")]
public sealed class AlsaMicrophoneOptions
{
    /// <summary>
    /// An ALSA PCM name: <c>default</c>, <c>hw:1,0</c> (card 1, device 0, no conversion: the device must do 16 kHz mono
    /// S16_LE itself), <c>plughw:1,0</c> (the same with ALSA converting rate, channels and format), or a PCM defined in
    /// asound.conf / ~/.asoundrc.
    /// </summary>
    [Required]
    public string Device { get; set; } = "default";

    /// <summary>The length of each clip, from 10 ms to 60 s, a whole number of 16 kHz samples.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much audio ALSA buffers while a clip is handed on (snd_pcm_set_params latency), 20 ms to 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:00:02")]
    public TimeSpan BufferLatency { get; set; } = TimeSpan.FromMilliseconds(500);
}
