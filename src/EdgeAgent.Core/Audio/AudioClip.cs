namespace EdgeAgent.Core.Audio;

/// <summary>
/// A decoded sound: mono float samples in [-1, 1] at <see cref="SampleRate"/> (16 kHz, the rate the speech models
/// take), plus what the source file was (its rate, channel count and bits per sample) before it was down-mixed and
/// resampled.
/// </summary>
public sealed class AudioClip
{
    /// <summary>Samples per second of <see cref="Samples"/>.</summary>
    public const int SampleRate = 16_000;

    public AudioClip(float[] samples, int sourceSampleRate, int sourceChannels, int sourceBitsPerSample)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceSampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceBitsPerSample);
        Samples = samples;
        SourceSampleRate = sourceSampleRate;
        SourceChannels = sourceChannels;
        SourceBitsPerSample = sourceBitsPerSample;
    }

    /// <summary>Mono samples at 16 kHz, each in [-1, 1].</summary>
    public float[] Samples { get; }

    /// <summary>The sample rate of the source, in Hz.</summary>
    public int SourceSampleRate { get; }

    /// <summary>How many channels the source had before they were averaged into one.</summary>
    public int SourceChannels { get; }

    /// <summary>Bits per sample of the source (8, 16, 24 or 32 for PCM; 32 or 64 for IEEE float).</summary>
    public int SourceBitsPerSample { get; }

    /// <summary>How long the clip plays.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(Samples.LongLength * TimeSpan.TicksPerSecond / SampleRate);
}
