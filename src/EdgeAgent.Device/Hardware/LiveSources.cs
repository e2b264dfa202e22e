using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Vision;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Media.Camera;
using EdgeAgent.Media.Microphone;
using EdgeAgent.Media.Replay;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// The live source of a pipeline: the product's camera or microphone on the board (V4L2, ALSA), or its lines of the
/// replayed trace. The simulated board has no camera or microphone twin: there a pipeline needs a replay (or sample
/// files in <c>Models:Pipelines</c>).
/// </summary>
internal static class LiveSources
{
    /// <summary>How much audio one microphone frame holds (the VAD pipeline runs over each window).</summary>
    public static readonly TimeSpan AudioWindow = TimeSpan.FromSeconds(1);

    /// <exception cref="IOException">The device cannot be opened, or the board has none (the message says what to do).</exception>
    public static IFrameSource<RgbImage> Camera(HardwareSetup setup, ProductSensor sensor, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(sensor);
        if (setup.Rig.Replay is { } trace)
        {
            return new ReplayImageSource(trace, sensor.Id, time);
        }

        var board = setup.Board!;
        NotSimulated(board, sensor);
        return new V4l2Camera(new V4l2CameraOptions
        {
            Device = board.Cameras[sensor.Camera!],
            Width = (int)sensor.Setting("width", 640),
            Height = (int)sensor.Setting("height", 480),
        }, loggers.CreateLogger<V4l2Camera>());
    }

    /// <inheritdoc cref="Camera"/>
    public static IFrameSource<AudioClip> Microphone(HardwareSetup setup, ProductSensor sensor, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(sensor);
        if (setup.Rig.Replay is { } trace)
        {
            return new ReplayAudioSource(trace, sensor.Id, AudioWindow, time);
        }

        var board = setup.Board!;
        NotSimulated(board, sensor);
        return new AlsaMicrophone(new AlsaMicrophoneOptions { Device = board.Audio[sensor.Audio!], Window = AudioWindow }, loggers.CreateLogger<AlsaMicrophone>());
    }

    /// <summary>The device path or ALSA name the sensor opens on the board, for logs and doctor.</summary>
    public static string DeviceOf(HardwareSetup setup, ProductSensor sensor) =>
        setup.Rig.Replay is { } trace ? $"replay of {trace}"
        : sensor.Kind == "camera" ? setup.Board!.Cameras[sensor.Camera!]
        : setup.Board!.Audio[sensor.Audio!];

    private static void NotSimulated(BoardProfile board, ProductSensor sensor)
    {
        if (board.Simulated)
        {
            throw new IOException($"{sensor.Id}: the simulated board has no {sensor.Kind}; replay a recorded trace with one (--set Hardware:Replay=trace.jsonl, hardware/TRACES.md) or give the pipeline sample files (Models:Pipelines:N:Input)");
        }
    }
}
