using System.Buffers.Binary;
using NAudio.Wave;

namespace EdgeAgent.Media.Tests.Audio;

/// <summary>
/// Writes WAV files for the decoder tests with NAudio's <see cref="WaveFileWriter"/> (header and chunks); the sample
/// bytes are encoded here so that every bit depth, 8 and 32-bit PCM included, is written the same way.
/// </summary>
internal static class TestWav
{
    /// <summary>
    /// Writes <paramref name="frames"/> frames of <paramref name="format"/>; <paramref name="sample"/> gives the value in
    /// [-1, 1] of channel c at frame f.
    /// </summary>
    public static void Write(string path, WaveFormat format, int frames, Func<int, int, double> sample)
    {
        var isFloat = format.Encoding == WaveFormatEncoding.IeeeFloat ||
                      (format is WaveFormatExtensible e && e.SubFormat == NAudio.Dmo.AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT);
        var bytesPerSample = format.BitsPerSample / 8;
        var data = new byte[frames * format.Channels * bytesPerSample];
        var o = 0;
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < format.Channels; c++, o += bytesPerSample)
            {
                Encode(data.AsSpan(o, bytesPerSample), Math.Clamp(sample(c, f), -1.0, 1.0), format.BitsPerSample, isFloat);
            }
        }

        using var writer = new WaveFileWriter(path, format);
        writer.Write(data, 0, data.Length);
    }

    /// <summary>A sine of <paramref name="hz"/> at <paramref name="amplitude"/>, the same on every channel scaled by <paramref name="channelGain"/>.</summary>
    public static Func<int, int, double> Sine(double hz, int sampleRate, double amplitude, Func<int, double>? channelGain = null) =>
        (c, f) => amplitude * (channelGain?.Invoke(c) ?? 1.0) * Math.Sin(2 * Math.PI * hz * f / sampleRate);

    private static void Encode(Span<byte> into, double v, int bits, bool isFloat)
    {
        switch (bits, isFloat)
        {
            case (32, true):
                BinaryPrimitives.WriteSingleLittleEndian(into, (float)v);
                break;
            case (64, true):
                BinaryPrimitives.WriteDoubleLittleEndian(into, v);
                break;
            case (8, false):
                into[0] = (byte)Math.Clamp(Math.Round(128 + (v * 127)), 0, 255); // 8-bit WAV is unsigned, 128 is silence
                break;
            case (16, false):
                BinaryPrimitives.WriteInt16LittleEndian(into, (short)Math.Round(v * short.MaxValue));
                break;
            case (24, false):
                var s24 = (int)Math.Round(v * 8_388_607);
                into[0] = (byte)s24;
                into[1] = (byte)(s24 >> 8);
                into[2] = (byte)(s24 >> 16);
                break;
            case (32, false):
                BinaryPrimitives.WriteInt32LittleEndian(into, (int)Math.Round(v * int.MaxValue));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(bits), $"{bits}-bit {(isFloat ? "float" : "PCM")} is not written by this helper");
        }
    }
}
