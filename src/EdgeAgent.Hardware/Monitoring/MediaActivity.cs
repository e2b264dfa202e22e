using System.Collections.Concurrent;

namespace EdgeAgent.Hardware.Monitoring;

/// <summary>
/// When each camera and microphone last gave a pipeline a frame: the <c>{sensor}.active</c> signal is 1 while that was
/// within <see cref="Window"/> (2 s), else 0. The pipelines touch it (any thread); the monitor reads it.
/// </summary>
public sealed class MediaActivity(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    /// <summary>A pipeline got a frame from <paramref name="sensor"/> now.</summary>
    public void Touch(string sensor) => _last[sensor] = time.GetTimestamp();

    public bool IsActive(string sensor, long now) =>
        _last.TryGetValue(sensor, out var last) && time.GetElapsedTime(last, now) <= Window;
}
