namespace EdgeAgent.Mqtt;

/// <summary>The publisher's counters, written by its loop and read from any thread as a <see cref="PublisherStatus"/>.</summary>
internal sealed class StatusBoard(string broker)
{
    private readonly Lock _gate = new();
    private PublisherStatus _status = new(false, broker, 0, 0, null, null, 0, 0, 0, 0, 0);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PublisherStatus Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public void Update(Func<PublisherStatus, PublisherStatus> change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _status = change(_status);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Completes once <paramref name="done"/> holds for the status, or when <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitAsync(Func<PublisherStatus, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (done(_status))
                {
                    return;
                }

                next = _changed.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
