namespace EdgeAgent.Core.Outbox;

/// <summary>
/// Tells the publisher that the chain grew, so it sleeps while nothing happens (an idle agent costs no CPU) and wakes at
/// once when a record is durable. The ledger calls <see cref="Notify"/> after each append returned.
/// </summary>
public sealed class AppendSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _head;

    /// <summary>The highest seq known durable.</summary>
    public long Head => Interlocked.Read(ref _head);

    public void Notify(long seq)
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            if (seq <= _head)
            {
                return;
            }

            _head = seq;
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>Completes once <see cref="Head"/> is above <paramref name="afterSeq"/> (at once if it already is).</summary>
    public async Task WaitAsync(long afterSeq, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_head > afterSeq)
                {
                    return;
                }

                next = _next.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
