namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// Runs frames from a source through a processing step (pre-processing, one or more models, post-processing) into
/// sinks. A live source feeds a <see cref="DropOldestBuffer{T}"/> so the newest frames are processed when inference
/// cannot keep up; other sources are read one frame at a time as inference finishes. Counts frames read, processed and
/// dropped.
/// </summary>
public sealed class Pipeline<TFrame, TResult>
{
    private readonly IFrameSource<TFrame> _source;
    private readonly Func<TFrame, TResult> _process;
    private readonly IReadOnlyList<Action<TResult>> _sinks;
    private readonly int _liveCapacity;
    private long _read;
    private long _processed;
    private DropOldestBuffer<TFrame>? _buffer;

    public Pipeline(IFrameSource<TFrame> source, Func<TFrame, TResult> process, IReadOnlyList<Action<TResult>> sinks, int liveCapacity = 2)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(liveCapacity);
        _source = source;
        _process = process;
        _sinks = sinks;
        _liveCapacity = liveCapacity;
    }

    public long FramesRead => Interlocked.Read(ref _read);

    public long FramesProcessed => Interlocked.Read(ref _processed);

    /// <summary>Frames a live source produced that were dropped because inference was behind.</summary>
    public long FramesDropped => _buffer?.Dropped ?? 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_source.IsLive)
        {
            await foreach (var frame in _source.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _read);
                Handle(frame);
            }

            return;
        }

        var buffer = _buffer = new DropOldestBuffer<TFrame>(_liveCapacity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The source runs on its own so a slow inference never holds the camera or microphone back.
        var producer = Task.Run(() => ProduceAsync(buffer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var frame in buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Handle(frame);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped because processing ended first (an error, or the caller's cancellation), as intended.
            }
        }
    }

    private async Task ProduceAsync(DropOldestBuffer<TFrame> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _source.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _read);
                buffer.Add(frame);
            }

            buffer.Complete();
        }
        catch (Exception e)
        {
            buffer.Complete(e);
            throw;
        }
    }

    private void Handle(TFrame frame)
    {
        var result = _process(frame);
        Interlocked.Increment(ref _processed);
        foreach (var sink in _sinks)
        {
            sink(result);
        }
    }
}
