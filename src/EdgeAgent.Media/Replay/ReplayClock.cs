namespace EdgeAgent.Media.Replay;

/// <summary>Waiting for a trace time on the replay's <see cref="TimeProvider"/>.</summary>
internal static class ReplayClock
{
    /// <summary>Completes when <paramref name="at"/> has passed since <paramref name="start"/> (a timestamp); at once if it has.</summary>
    public static Task WaitUntilAsync(TimeProvider time, long start, TimeSpan at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var wait = at - time.GetElapsedTime(start);
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
