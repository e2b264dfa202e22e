using System.Threading.Channels;

namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// Between a live source and inference: a bounded queue that, when inference falls behind, drops the oldest frame
/// (a camera or microphone cannot wait) and counts what it dropped. Files and directories do not go through it: they
/// wait for inference instead of losing input.
/// </summary>
public sealed class DropOldestBuffer<T>
{
    private readonly Channel<T> _channel;
    private long _dropped;
    private long _enqueued;

    public DropOldestBuffer(int capacity, Action<T>? onDropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            item =>
            {
                Interlocked.Increment(ref _dropped);
                onDropped?.Invoke(item);
            });
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Adds a frame, dropping the oldest queued one if the queue is full. Never waits.</summary>
    public void Add(T frame)
    {
        Interlocked.Increment(ref _enqueued);
        _channel.Writer.TryWrite(frame);
    }

    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);
}
