using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Storage.Outbox;

/// <summary>A request queued for the outbox's single writer loop.</summary>
internal abstract class OutboxOperation
{
    public abstract void Fail(Exception exception);
}

/// <summary>
/// An append waiting for its group commit. Cancellation and the writer race to claim it: if the caller's token fires
/// first the record is not stored and the caller sees cancellation; once the writer claimed it, the caller waits for
/// the commit (one transaction), so "cancelled" always means "not stored".
/// </summary>
internal sealed class AppendOperation : OutboxOperation
{
    private const int Queued = 0;
    private const int Claimed = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource<AppendOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _state;

    public AppendOperation(OutboxRecord record, CancellationToken cancellationToken)
    {
        Record = record;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.Register(() =>
            {
                if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
                {
                    _completion.TrySetCanceled(cancellationToken);
                }
            });
        }
    }

    public OutboxRecord Record { get; }

    public Task<AppendOutcome> Task => _completion.Task;

    /// <summary>True when the writer now owns the append (it was not cancelled first).</summary>
    public bool TryClaim()
    {
        var claimed = Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;
        _registration.Dispose();
        return claimed;
    }

    public void Complete(AppendOutcome outcome) => _completion.TrySetResult(outcome);

    public override void Fail(Exception exception)
    {
        _registration.Dispose();
        _completion.TrySetException(exception);
    }
}

/// <summary>Any other request: runs alone on the writer loop, in queue order with the appends around it.</summary>
internal abstract class SingleOperation : OutboxOperation
{
    public abstract string Name { get; }

    /// <summary>Runs the request and completes its caller; exceptions are left to the loop.</summary>
    public abstract void Run();
}

internal sealed class SingleOperation<T>(string name, Func<T> body) : SingleOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string Name { get; } = name;

    public Task<T> Task => _completion.Task;

    public override void Run() => _completion.TrySetResult(body());

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
