using EdgeAgent.Core.Time;

namespace EdgeAgent.TestKit.Time;

/// <summary>The device's clock-sync party: a monotonic clock from <see cref="TimeProvider"/> and the samples recorded.</summary>
public sealed class FakeClockSyncParty(long boot, TimeProvider time) : IClockSyncParty
{
    private readonly long _start = time.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly List<ClockSyncSample> _samples = [];
    private readonly TaskCompletionSource<ClockSyncSample> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Boot { get; } = boot;

    /// <summary>Starts at 1000 ms so a request is never at 0.</summary>
    public long MonoMs => 1000 + (long)time.GetElapsedTime(_start).TotalMilliseconds;

    public Task<ClockSyncSample> FirstSample => _first.Task;

    public IReadOnlyList<ClockSyncSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    public ValueTask RecordAsync(ClockSyncSample sample, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _samples.Add(sample);
        }

        _first.TrySetResult(sample);
        return ValueTask.CompletedTask;
    }
}
