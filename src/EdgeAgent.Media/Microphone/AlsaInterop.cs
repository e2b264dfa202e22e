using System.Runtime.InteropServices;

namespace EdgeAgent.Media.Microphone;

/// <summary>
/// The few libasound calls a capture needs (ALSA library reference, PCM interface: snd_pcm_open, snd_pcm_set_params,
/// snd_pcm_readi, snd_pcm_wait, snd_pcm_recover). Constants are from alsa/pcm.h and the Linux errno values.
/// </summary>
internal static partial class AlsaInterop
{
    public const string Library = "libasound.so.2";

    /// <summary>SND_PCM_STREAM_CAPTURE.</summary>
    public const int StreamCapture = 1;

    /// <summary>SND_PCM_NONBLOCK: open fails at once with EBUSY when the device is in use instead of waiting for it.</summary>
    public const int NonBlock = 1;

    /// <summary>SND_PCM_FORMAT_S16_LE.</summary>
    public const int FormatS16Le = 2;

    /// <summary>SND_PCM_ACCESS_RW_INTERLEAVED.</summary>
    public const int AccessReadWriteInterleaved = 3;

    public const int ENOENT = 2;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int ESTRPIPE = 86;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int snd_pcm_open(out nint pcm, string name, int stream, int mode);

    [LibraryImport(Library)]
    public static partial int snd_pcm_set_params(nint pcm, int format, int access, uint channels, uint rate, int softResample, uint latencyMicroseconds);

    [LibraryImport(Library)]
    public static partial nint snd_pcm_readi(nint pcm, ref short buffer, nuint frames);

    [LibraryImport(Library)]
    public static partial int snd_pcm_wait(nint pcm, int timeoutMilliseconds);

    [LibraryImport(Library)]
    public static partial int snd_pcm_recover(nint pcm, int error, int silent);

    [LibraryImport(Library)]
    public static partial int snd_pcm_close(nint pcm);

    [LibraryImport(Library)]
    private static partial nint snd_strerror(int error);

    public static string Describe(int error) => $"{Marshal.PtrToStringUTF8(snd_strerror(error)) ?? "error"} ({error})";
}
