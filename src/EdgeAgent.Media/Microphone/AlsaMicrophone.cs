using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Media.Microphone;

/// <summary>
/// A microphone as a live source: captures 16 kHz mono S16_LE from an ALSA PCM through libasound and yields one
/// <see cref="AudioClip"/> per <see cref="AlsaMicrophoneOptions.Window"/>, back to back with no gap (ALSA keeps capturing
/// into its buffer while a clip is handed on). Iot.Device.Media's SoundDevice records to a file or for a fixed number
/// of seconds and opens the mixer too, so it cannot stream windows; this binds the five libasound calls it needs.
/// </summary>
/// <remarks>
/// The device is opened when enumeration starts and closed when it ends. An overrun (the reader fell more than
/// <see cref="AlsaMicrophoneOptions.BufferLatency"/> behind) or a suspend is recovered with snd_pcm_recover, logged and
/// counted in <see cref="Recoveries"/>: the clip then spans the gap. Any other error is an <see cref="IOException"/>
/// naming the device and what to check. Needs libasound.so.2 (Debian package libasound2, libasound2t64 on Debian 13 /
/// Ubuntu 24.04).
/// </remarks>
public sealed class AlsaMicrophone : IFrameSource<AudioClip>
{
    private const int Channels = 1;
    private const int BitsPerSample = 16;

    /// <summary>How long one wait for audio lasts before cancellation is looked at again.</summary>
    private const int WaitMilliseconds = 100;

    private readonly AlsaMicrophoneOptions _options;
    private readonly int _windowFrames;
    private readonly ILogger _logger;
    private long _recoveries;

    public AlsaMicrophone(AlsaMicrophoneOptions options, ILogger<AlsaMicrophone>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Device, nameof(options));
        var frames = options.Window.TotalSeconds * AudioClip.SampleRate;
        if (options.Window < TimeSpan.FromMilliseconds(10) || options.Window > TimeSpan.FromMinutes(1) || frames != Math.Floor(frames))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Window,
                "Microphone Window must be 10 ms to 60 s and a whole number of 16 kHz samples (a multiple of 62.5 µs)");
        }

        if (options.BufferLatency < TimeSpan.FromMilliseconds(20) || options.BufferLatency > TimeSpan.FromSeconds(2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferLatency, "Microphone BufferLatency must be 20 ms to 2 s");
        }

        _options = options;
        _windowFrames = (int)frames;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public string Name => $"alsa:{_options.Device}";

    public bool IsLive => true;

    /// <summary>Overruns and suspends recovered from since this source was made.</summary>
    public long Recoveries => Interlocked.Read(ref _recoveries);

    public async IAsyncEnumerable<AudioClip> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pcm = Open();
        long clips = 0;
        try
        {
            Log.Opened(_logger, _options.Device, _options.Window.TotalMilliseconds);
            while (true)
            {
                // One window is captured on the pool: the waits inside are bounded and check the token between them.
                var samples = await Task.Run(() => CaptureWindow(pcm, cancellationToken), cancellationToken).ConfigureAwait(false);
                clips++;
                yield return new AudioClip(samples, AudioClip.SampleRate, Channels, BitsPerSample);
            }
        }
        finally
        {
            _ = AlsaInterop.snd_pcm_close(pcm);
            Log.Closed(_logger, _options.Device, clips);
        }
    }

    private nint Open()
    {
        var device = _options.Device;
        nint pcm;
        int error;
        try
        {
            error = AlsaInterop.snd_pcm_open(out pcm, device, AlsaInterop.StreamCapture, AlsaInterop.NonBlock);
        }
        catch (DllNotFoundException e)
        {
            throw new IOException($"microphone {device}: {AlsaInterop.Library} is not installed: install the Debian package libasound2 " +
                "(libasound2t64 on Debian 13 / Ubuntu 24.04)", e);
        }

        if (error < 0)
        {
            throw new IOException($"microphone {device}: cannot open the ALSA capture device: {AlsaInterop.Describe(error)}; {OpenHint(-error)}");
        }

        error = AlsaInterop.snd_pcm_set_params(pcm, AlsaInterop.FormatS16Le, AlsaInterop.AccessReadWriteInterleaved, Channels,
            AudioClip.SampleRate, softResample: 1, (uint)_options.BufferLatency.TotalMicroseconds);
        if (error < 0)
        {
            _ = AlsaInterop.snd_pcm_close(pcm);
            throw new IOException($"microphone {device}: the device does not capture 16 kHz mono S16_LE: {AlsaInterop.Describe(error)}; " +
                (device.StartsWith("hw:", StringComparison.Ordinal)
                    ? $"use plug{device} to let ALSA convert rate, channels and format"
                    : "check the PCM's definition (arecord -L lists them, arecord -D <device> --dump-hw-params shows what it takes)"));
        }

        return pcm;
    }

    private static string OpenHint(int errno) => errno switch
    {
        AlsaInterop.ENOENT or AlsaInterop.ENODEV or AlsaInterop.EINVAL =>
            "check that it exists: arecord -l lists the cards ('hw:1,0' is card 1, device 0), arecord -L the PCM names",
        AlsaInterop.EACCES => "this user may not open /dev/snd/*: add it to the group audio",
        AlsaInterop.EBUSY => "another program holds it (fuser -v /dev/snd/*); use a dsnoop PCM to share it",
        _ => "check that it exists (arecord -l), that this user is in the group audio, and that no other program holds it",
    };

    private float[] CaptureWindow(nint pcm, CancellationToken cancellationToken)
    {
        var buffer = new short[_windowFrames];
        var filled = 0;
        while (filled < buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = (long)AlsaInterop.snd_pcm_readi(pcm, ref buffer[filled], (nuint)(buffer.Length - filled));
            if (read > 0)
            {
                filled += (int)read;
                continue;
            }

            var error = (int)read;
            if (read == 0 || error == -AlsaInterop.EAGAIN)
            {
                error = AlsaInterop.snd_pcm_wait(pcm, WaitMilliseconds);
                if (error >= 0)
                {
                    continue;
                }
            }

            Recover(pcm, error);
        }

        var samples = new float[buffer.Length];
        for (var i = 0; i < buffer.Length; i++)
        {
            samples[i] = buffer[i] / 32768f; // S16 full scale, as WavDecoder reads 16-bit PCM
        }

        return samples;
    }

    private void Recover(nint pcm, int error)
    {
        var problem = error == -AlsaInterop.EPIPE ? "overrun: the reader fell behind"
            : error == -AlsaInterop.ESTRPIPE ? "the device was suspended"
            : null;
        if (problem is null || AlsaInterop.snd_pcm_recover(pcm, error, silent: 1) < 0)
        {
            throw new IOException($"microphone {_options.Device}: capture failed: {AlsaInterop.Describe(error)} (device unplugged or driver error?)");
        }

        Log.Recovered(_logger, _options.Device, problem, Interlocked.Increment(ref _recoveries));
    }
}
