using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Media;
using EdgeAgent.Media.Audio;
using EdgeAgent.TestKit.IO;
using NAudio.Wave;
using SkiaSharp;

namespace EdgeAgent.Media.Tests.Audio;

public sealed class WavDecoderTests : IDisposable
{
    private const double ToneHz = 440;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int, int, bool> Formats()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var rate in new[] { 8_000, 16_000, 22_050, 44_100, 48_000 })
        {
            foreach (var bits in new[] { 8, 16, 24, 32 })
            {
                data.Add(rate, bits, false);
            }

            data.Add(rate, 32, true);
            data.Add(rate, 64, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decode_OneSecondSineInEachFormat_Is16000SamplesAtTheSameFrequencyAndAmplitude(int rate, int bits, bool isFloat)
    {
        var path = _dir.Combine($"sine-{rate}-{bits}{(isFloat ? "f" : "")}.wav");
        TestWav.Write(path, Format(rate, bits, isFloat, channels: 1), rate, TestWav.Sine(ToneHz, rate, 0.5));

        var clip = WavDecoder.Decode(path);

        Assert.Equal(AudioClip.SampleRate, clip.Samples.Length);
        Assert.Equal(TimeSpan.FromSeconds(1), clip.Duration);
        Assert.Equal((rate, 1, bits), (clip.SourceSampleRate, clip.SourceChannels, clip.SourceBitsPerSample));
        AssertTone(clip.Samples, ToneHz, amplitude: 0.5);
    }

    [Theory]
    [InlineData(44_100, 16, 2)]
    [InlineData(48_000, 24, 2)]
    [InlineData(16_000, 32, 6)]
    [InlineData(8_000, 8, 3)]
    public void Decode_MultiChannel_AveragesTheChannels(int rate, int bits, int channels)
    {
        // Channel c carries the tone at gain c + 1 (1, 2, ...), so the average has gain (channels + 1) / 2 and any
        // down-mix that takes one channel, or sums them, gets the amplitude wrong.
        var path = _dir.Combine($"multi-{rate}-{bits}-{channels}.wav");
        var amplitude = 0.8 / channels;
        TestWav.Write(path, Format(rate, bits, isFloat: false, channels), rate / 2, TestWav.Sine(ToneHz, rate, amplitude, c => c + 1));

        var clip = WavDecoder.Decode(path);

        Assert.Equal(AudioClip.SampleRate / 2, clip.Samples.Length);
        Assert.Equal(channels, clip.SourceChannels);
        AssertTone(clip.Samples, ToneHz, amplitude * (channels + 1) / 2.0);
    }

    [Fact]
    public void Decode_OppositeChannels_CancelToSilence()
    {
        var path = _dir.Combine("opposite.wav");
        TestWav.Write(path, new WaveFormat(48_000, 16, 2), 4_800, TestWav.Sine(ToneHz, 48_000, 0.5, c => c == 0 ? 1 : -1));

        var clip = WavDecoder.Decode(path);

        Assert.Equal(1_600, clip.Samples.Length);
        Assert.True(clip.Samples.Max(MathF.Abs) < 1e-3f, $"peak {clip.Samples.Max(MathF.Abs)}");
    }

    [Fact]
    public void Decode_At16kHz_KeepsEverySampleExactly()
    {
        var path = _dir.Combine("exact.wav");
        short[] values = [0, 1, -1, 1000, -1000, short.MaxValue, short.MinValue, 12345];
        TestWav.Write(path, new WaveFormat(16_000, 16, 1), values.Length, (_, f) => values[f] / (double)short.MaxValue);

        var clip = WavDecoder.Decode(path);

        Assert.Equal(values.Select(v => Math.Clamp(v / 32768f, -1f, 1f)).Select(v => MathF.Round(v, 4)), clip.Samples.Select(v => MathF.Round(v, 4)));
    }

    [Theory]
    [InlineData(44_100, 12_345, 4_479)]
    [InlineData(48_000, 1, 0)]
    [InlineData(8_000, 333, 666)]
    [InlineData(22_050, 22_051, 16_001)]
    public void Decode_OddLengths_GiveTheRoundedLengthAt16kHz(int rate, int frames, int expected)
    {
        var path = _dir.Combine($"odd-{rate}-{frames}.wav");
        TestWav.Write(path, new WaveFormat(rate, 16, 1), frames, TestWav.Sine(ToneHz, rate, 0.3));

        var clip = WavDecoder.Decode(path);

        Assert.Equal(expected, clip.Samples.Length);
    }

    [Fact]
    public void Decode_ResampledTone_IsNotDelayed()
    {
        // VAD timestamps come from sample positions, so resampling must not shift the sound: the phase of the 440 Hz
        // tone at 16 kHz must be the phase written at 44.1 kHz (zero at t = 0), within 0.25 ms.
        var path = _dir.Combine("phase.wav");
        TestWav.Write(path, new WaveFormat(44_100, 16, 1), 44_100, TestWav.Sine(ToneHz, 44_100, 0.5));

        var samples = WavDecoder.Decode(path).Samples;

        double sin = 0, cos = 0;
        for (var i = 1_600; i < 14_400; i++)
        {
            sin += samples[i] * Math.Sin(2 * Math.PI * ToneHz * i / 16_000);
            cos += samples[i] * Math.Cos(2 * Math.PI * ToneHz * i / 16_000);
        }

        var delayMs = -Math.Atan2(cos, sin) / (2 * Math.PI * ToneHz) * 1000;
        Assert.True(Math.Abs(delayMs) < 0.25, $"the tone is shifted by {delayMs:F3} ms");
    }

    [Fact]
    public void Decode_ExtensibleFormat_IsDecodedLikePlainPcm()
    {
        var path = _dir.Combine("extensible.wav");
        TestWav.Write(path, new WaveFormatExtensible(48_000, 24, 2), 48_000, TestWav.Sine(ToneHz, 48_000, 0.5));

        var clip = WavDecoder.Decode(path);

        Assert.Equal(16_000, clip.Samples.Length);
        Assert.Equal(24, clip.SourceBitsPerSample);
        AssertTone(clip.Samples, ToneHz, 0.5);
    }

    [Fact]
    public void Decode_FloatBeyondFullScale_IsClampedToOne()
    {
        var path = _dir.Combine("loud.wav");
        TestWav.Write(path, WaveFormat.CreateIeeeFloatWaveFormat(16_000, 1), 1_000, (_, f) => f % 2 == 0 ? 1.0 : -1.0);
        var bytes = File.ReadAllBytes(path);
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 4), 3.5f);
        File.WriteAllBytes(path, bytes);

        var clip = WavDecoder.Decode(path);

        Assert.Equal(1f, clip.Samples[^1]);
        Assert.All(clip.Samples, s => Assert.InRange(s, -1f, 1f));
    }

    [Fact]
    public void Decode_MissingFile_SaysItDoesNotExist()
    {
        var path = _dir.Combine("nowhere.wav");

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal(path, e.File);
        Assert.Equal($"{path}: does not exist", e.Message);
    }

    [Fact]
    public void Decode_EmptyFile_SaysItIsEmpty()
    {
        var path = _dir.Combine("empty.wav");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: is empty (0 bytes); expected a WAV file", e.Message);
    }

    [Fact]
    public void Decode_WavWithoutSamples_SaysTheDataChunkIsEmpty()
    {
        var path = _dir.Combine("nosamples.wav");
        TestWav.Write(path, new WaveFormat(16_000, 16, 1), 0, (_, _) => 0);

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: has no audio samples (its data chunk is empty)", e.Message);
    }

    [Fact]
    public void Decode_RandomBytes_IsNotAWavFile()
    {
        var path = _dir.Combine("noise.wav");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal(path, e.File);
        Assert.StartsWith($"{path}: is not a WAV file (no RIFF/WAVE header)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngRenamedToWav_IsNotAWavFileAndSaysItIsAPng()
    {
        var path = _dir.Combine("photo.wav");
        using (var bitmap = new SKBitmap(8, 8))
        using (var png = bitmap.Encode(SKEncodedImageFormat.Png, 100))
        {
            File.WriteAllBytes(path, png.ToArray());
        }

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: is not a WAV file (no RIFF/WAVE header); it is a PNG image", e.Message);
    }

    [Fact]
    public void Decode_RiffOfAnotherType_IsNotAWavFile()
    {
        var path = _dir.Combine("clip.wav");
        File.WriteAllBytes(path, [.. "RIFF"u8, 4, 0, 0, 0, .. "AVI "u8, 0, 0, 0, 0]);

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: is not a WAV file (no RIFF/WAVE header); it is a RIFF file of type 'AVI '", e.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(20)]
    [InlineData(30)]
    [InlineData(44)]
    [InlineData(1_000)]
    [InlineData(31_999)]
    public void Decode_TruncatedFile_SaysItIsTruncated(int keepBytes)
    {
        var path = _dir.Combine("cut.wav");
        TestWav.Write(path, new WaveFormat(16_000, 16, 1), 16_000, TestWav.Sine(ToneHz, 16_000, 0.5));
        var whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..keepBytes]);

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal(path, e.File);
        Assert.StartsWith($"{path}: is truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MuLaw_NamesTheEncodingAndWhatIsSupported()
    {
        var path = _dir.Combine("mulaw.wav");
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateMuLawFormat(8_000, 1)))
        {
            writer.Write(new byte[800], 0, 800);
        }

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: uses encoding MuLaw; supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit", e.Message);
    }

    [Fact]
    public void Decode_TwelveBitPcm_NamesTheBitDepth()
    {
        var path = _dir.Combine("pcm12.wav");
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateCustomFormat(WaveFormatEncoding.Pcm, 8_000, 1, 16_000, 2, 12)))
        {
            writer.Write(new byte[800], 0, 800);
        }

        var e = Assert.Throws<MediaFormatException>(() => WavDecoder.Decode(path));

        Assert.Equal($"{path}: uses Pcm with 12 bits per sample; supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit", e.Message);
    }

    private static WaveFormat Format(int rate, int bits, bool isFloat, int channels) => isFloat
        ? WaveFormat.CreateCustomFormat(WaveFormatEncoding.IeeeFloat, rate, channels, rate * channels * bits / 8, channels * bits / 8, bits)
        : new WaveFormat(rate, bits, channels);

    /// <summary>
    /// The clip, away from its first and last 20 ms, is a tone of <paramref name="hz"/> (from the spacing of its rising
    /// zero crossings, within 0.2 %) with peaks of <paramref name="amplitude"/> (within 4 %).
    /// </summary>
    private static void AssertTone(float[] samples, double hz, double amplitude)
    {
        var from = 320;
        var to = samples.Length - 320;
        double first = -1, last = -1;
        var crossings = 0;
        var peak = 0f;
        for (var i = from; i < to; i++)
        {
            peak = Math.Max(peak, Math.Abs(samples[i]));
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                var at = i - 1 + (samples[i - 1] / (double)(samples[i - 1] - samples[i]));
                first = first < 0 ? at : first;
                last = at;
                crossings++;
            }
        }

        Assert.True(crossings > 10, $"only {crossings} rising zero crossings");
        var measured = (crossings - 1) / ((last - first) / AudioClip.SampleRate);
        Assert.True(Math.Abs(measured - hz) / hz < 0.002, $"tone at {measured:F2} Hz, expected {hz} Hz");
        Assert.True(Math.Abs(peak - amplitude) / amplitude < 0.04, $"peak {peak:F4}, expected {amplitude:F4}");
    }
}
