using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Media;
using NAudio.Dmo;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace EdgeAgent.Media.Audio;

/// <summary>
/// Decodes WAV files (RIFF or RF64; PCM 8/16/24/32-bit or IEEE float, plain or WAVE_FORMAT_EXTENSIBLE) with NAudio
/// into an <see cref="AudioClip"/>: 16 kHz mono, channels averaged, resampled with NAudio's WDL resampler.
/// Anything else is a <see cref="MediaFormatException"/> naming the file and what is wrong with it.
/// </summary>
public static class WavDecoder
{
    /// <summary>The encodings <see cref="Decode(string)"/> accepts, as error messages list them.</summary>
    public const string SupportedEncodings = "PCM 8/16/24/32-bit, IEEE float 32/64-bit";

    /// <summary>Longer recordings are refused rather than risking the device's memory (one hour is 230 MB of 16 kHz floats).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    private const int ReadBlock = 16 * 1024;

    /// <exception cref="MediaFormatException">The file is missing, unreadable, empty, truncated, not a WAV file or of an unsupported encoding.</exception>
    public static AudioClip Decode(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MediaFormatException(path, "does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaFormatException(path, $"cannot be read: {e.Message}", e);
        }

        using (stream)
        {
            return Decode(stream, path);
        }
    }

    /// <summary>Decodes a WAV file held in a seekable <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="MediaFormatException">As for <see cref="Decode(string)"/>.</exception>
    public static AudioClip Decode(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("the stream must be seekable (WAV chunks are located by position)", nameof(stream));
        }

        try
        {
            CheckRiffHeader(stream, name);
            stream.Position = 0;
            using var reader = OpenReader(stream, name);
            var (provider, bits) = ToStandardFormat(reader, name);
            if (reader.Length == 0)
            {
                throw new MediaFormatException(name, "has no audio samples (its data chunk is empty)");
            }

            if (reader.TotalTime > MaxDuration)
            {
                throw new MediaFormatException(name, $"is {reader.TotalTime:g} long; recordings up to {MaxDuration:g} are accepted");
            }

            var samples = ReadAll(To16kMono(provider.ToSampleProvider()), ExpectedLength(reader));
            if (reader.Position < reader.Length)
            {
                throw new MediaFormatException(name,
                    $"is truncated: its data chunk declares {reader.Length} bytes but the file holds only {reader.Position} of them");
            }

            return new AudioClip(samples, reader.WaveFormat.SampleRate, reader.WaveFormat.Channels, bits);
        }
        catch (IOException e)
        {
            throw new MediaFormatException(name, $"cannot be read: {e.Message}", e);
        }
    }

    private static void CheckRiffHeader(Stream stream, string name)
    {
        if (stream.Length == 0)
        {
            throw new MediaFormatException(name, "is empty (0 bytes); expected a WAV file");
        }

        Span<byte> head = stackalloc byte[12];
        stream.Position = 0;
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        var riff = head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8);
        if (riff && n < 12)
        {
            throw new MediaFormatException(name, $"is truncated: it ends after {n} bytes, inside the RIFF header");
        }

        if (!riff || !head[8..].SequenceEqual("WAVE"u8))
        {
            throw new MediaFormatException(name, $"is not a WAV file (no RIFF/WAVE header){LooksLike(head)}");
        }
    }

    /// <summary>A hint at what the file is instead, from the magic numbers of formats people mistake for WAV.</summary>
    private static string LooksLike(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "; it is a PNG image"
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "; it is a JPEG image"
        : head.StartsWith("OggS"u8) ? "; it is an Ogg file (Vorbis/Opus), which is not decoded here"
        : head.StartsWith("fLaC"u8) ? "; it is a FLAC file, which is not decoded here"
        : head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) ? "; it looks like MP3, which is not decoded here"
        : head.StartsWith("RIFF"u8) && head.Length >= 12 ? $"; it is a RIFF file of type '{System.Text.Encoding.ASCII.GetString(head[8..12])}'"
        : "";

    private static WaveFileReader OpenReader(Stream stream, string name)
    {
        try
        {
            return new WaveFileReader(stream);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException or EndOfStreamException)
        {
            throw new MediaFormatException(name, DeclaredRiffSize(stream) is { } declared && declared > stream.Length
                ? $"is truncated: its RIFF header declares {declared} bytes but the file holds only {stream.Length} ({e.Message})"
                : $"is not a valid WAV file: {e.Message}", e);
        }
    }

    /// <summary>The file size the RIFF header declares (its size field + 8); null for RF64, whose size lives in the ds64 chunk.</summary>
    private static long? DeclaredRiffSize(Stream stream)
    {
        Span<byte> head = stackalloc byte[8];
        stream.Position = 0;
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.StartsWith("RIFF"u8)
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) + 8L
            : null;
    }

    /// <summary>
    /// The reader as plain PCM or IEEE float (re-tagged when the file uses WAVE_FORMAT_EXTENSIBLE), or a
    /// <see cref="MediaFormatException"/> naming the encoding when it is neither.
    /// </summary>
    private static (IWaveProvider Provider, int Bits) ToStandardFormat(WaveFileReader reader, string name)
    {
        var format = reader.WaveFormat;
        var encoding = format.Encoding;
        var encodingName = encoding.ToString();
        if (encoding == WaveFormatEncoding.Extensible)
        {
            var subFormat = SubFormat(format);
            encoding = subFormat == AudioMediaSubtypes.MEDIASUBTYPE_PCM ? WaveFormatEncoding.Pcm
                : subFormat == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT ? WaveFormatEncoding.IeeeFloat
                : WaveFormatEncoding.Extensible;
            encodingName = $"WAVE_FORMAT_EXTENSIBLE with sub-format {subFormat?.ToString() ?? "(missing)"}";
        }

        int bits = format.BitsPerSample, channels = format.Channels, rate = format.SampleRate;
        var supported = encoding switch
        {
            WaveFormatEncoding.Pcm => bits is 8 or 16 or 24 or 32,
            WaveFormatEncoding.IeeeFloat => bits is 32 or 64,
            _ => false,
        };
        if (!supported)
        {
            var what = encoding is WaveFormatEncoding.Pcm or WaveFormatEncoding.IeeeFloat ? $"{encodingName} with {bits} bits per sample" : $"encoding {encodingName}";
            throw new MediaFormatException(name, $"uses {what}; supported: {SupportedEncodings}");
        }

        if (channels < 1 || rate < 1 || format.BlockAlign != channels * (bits / 8))
        {
            throw new MediaFormatException(name,
                $"has an inconsistent fmt chunk: {channels} channel(s) at {rate} Hz, {bits} bits per sample, block align {format.BlockAlign}");
        }

        var standard = encoding == WaveFormatEncoding.Pcm
            ? new WaveFormat(rate, bits, channels)
            : WaveFormat.CreateCustomFormat(WaveFormatEncoding.IeeeFloat, rate, channels, rate * format.BlockAlign, format.BlockAlign, bits);
        IWaveProvider provider = format.Encoding == standard.Encoding ? reader : new Retagged(reader, standard);
        return (provider, bits);
    }

    /// <summary>
    /// The SubFormat GUID of a WAVE_FORMAT_EXTENSIBLE fmt chunk. NAudio's WaveFileReader hands the chunk back as
    /// <see cref="WaveFormatExtraData"/>; the GUID follows wValidBitsPerSample (2 bytes) and dwChannelMask (4 bytes)
    /// in its extra bytes (Microsoft, WAVEFORMATEXTENSIBLE structure, mmreg.h).
    /// </summary>
    private static Guid? SubFormat(WaveFormat format) => format switch
    {
        WaveFormatExtensible extensible => extensible.SubFormat,
        WaveFormatExtraData { ExtraSize: >= 22 } extra when extra.ExtraData.Length >= 22 => new Guid(extra.ExtraData.AsSpan(6, 16)),
        _ => null,
    };

    private static ISampleProvider To16kMono(ISampleProvider source)
    {
        if (source.WaveFormat.Channels > 1)
        {
            source = new ChannelAverager(source);
        }

        return source.WaveFormat.SampleRate == AudioClip.SampleRate ? source : new WdlResamplingSampleProvider(source, AudioClip.SampleRate);
    }

    /// <summary>The length of the source at 16 kHz: frames × 16000 / rate, rounded.</summary>
    private static int ExpectedLength(WaveFileReader reader)
    {
        var frames = reader.Length / reader.WaveFormat.BlockAlign;
        return checked((int)(((frames * AudioClip.SampleRate) + (reader.WaveFormat.SampleRate / 2)) / reader.WaveFormat.SampleRate));
    }

    /// <summary>Reads everything, clamped to [-1, 1], and returns exactly <paramref name="expected"/> samples when the source was whole.</summary>
    private static float[] ReadAll(ISampleProvider source, int expected)
    {
        var samples = new float[expected];
        var count = 0;
        var block = new float[ReadBlock];
        int read;
        while ((read = source.Read(block, 0, block.Length)) > 0)
        {
            var take = Math.Min(read, samples.Length - count);
            for (var i = 0; i < take; i++)
            {
                samples[count + i] = Math.Clamp(block[i], -1f, 1f);
            }

            count += take;
        }

        // NAudio's WDL resampler gives frames × 16000 / rate samples (measured at 8 to 48 kHz); should it stop short,
        // the clip still has the exact length, with zeros at the very end.
        return samples;
    }

    /// <summary>The reader's bytes under a standard PCM/IEEE-float format tag (for WAVE_FORMAT_EXTENSIBLE files).</summary>
    private sealed class Retagged(IWaveProvider source, WaveFormat format) : IWaveProvider
    {
        public WaveFormat WaveFormat { get; } = format;

        public int Read(byte[] buffer, int offset, int count) => source.Read(buffer, offset, count);
    }

    /// <summary>Averages the channels of each frame into one (the down-mix silero's read_audio does with wav.mean(dim=0)).</summary>
    private sealed class ChannelAverager(ISampleProvider source) : ISampleProvider
    {
        private readonly int _channels = source.WaveFormat.Channels;
        private float[] _frames = [];

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(source.WaveFormat.SampleRate, 1);

        public int Read(float[] buffer, int offset, int count)
        {
            var needed = count * _channels;
            if (_frames.Length < needed)
            {
                _frames = new float[needed];
            }

            var read = source.Read(_frames, 0, needed) / _channels;
            for (var f = 0; f < read; f++)
            {
                var sum = 0f;
                for (var c = 0; c < _channels; c++)
                {
                    sum += _frames[(f * _channels) + c];
                }

                buffer[offset + f] = sum / _channels;
            }

            return read;
        }
    }
}
