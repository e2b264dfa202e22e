using System.Text.Json.Serialization;

namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// What one model version did over a span of calls: how many, how many failed, the p95 latency of the successful ones,
/// and the distribution of the per-call mean of output 0 (its mean and standard deviation over the calls): the figures
/// probation compares between the previous version and the new one.
/// </summary>
public sealed record CallFigures
{
    [JsonPropertyName("calls")]
    public long Calls { get; init; }

    [JsonPropertyName("failures")]
    public long Failures { get; init; }

    /// <summary>p95 latency of the successful calls in milliseconds; null without any.</summary>
    [JsonPropertyName("p95_ms")]
    public double? P95Ms { get; init; }

    /// <summary>Calls whose output 0 (float32) was summarised.</summary>
    [JsonPropertyName("output_samples")]
    public long OutputSamples { get; init; }

    /// <summary>Mean over calls of the per-call mean of output 0.</summary>
    [JsonPropertyName("output_mean")]
    public double OutputMean { get; init; }

    /// <summary>Standard deviation over calls of the per-call mean of output 0.</summary>
    [JsonPropertyName("output_spread")]
    public double OutputSpread { get; init; }

    [JsonIgnore]
    public double ErrorRate => Calls == 0 ? 0 : (double)Failures / Calls;
}

/// <summary>
/// Counts the calls of one session generation (a model version in one slot) for probation: calls, failures, latency
/// (a <see cref="LatencyHistogram"/>: fixed memory) and the running mean and variance (Welford) of the per-call mean of
/// output 0. Recorded by the pipeline's caller, read from the update coordinator; waiters are woken as calls arrive.
/// </summary>
public sealed class CallWindow
{
    private readonly Lock _gate = new();
    private readonly LatencyHistogram _latency = new();
    private readonly List<(Func<CallFigures, bool> Until, TaskCompletionSource Done)> _waiters = [];
    private long _calls;
    private long _failures;
    private long _samples;
    private double _mean;
    private double _m2;

    public void RecordCall(TimeSpan elapsed, double? outputMean)
    {
        lock (_gate)
        {
            _latency.Record(elapsed);
            _calls++;
            if (outputMean is { } m && double.IsFinite(m))
            {
                _samples++;
                var delta = m - _mean;
                _mean += delta / _samples;
                _m2 += delta * (m - _mean);
            }

            WakeLocked();
        }
    }

    public void RecordFailure()
    {
        lock (_gate)
        {
            _calls++;
            _failures++;
            WakeLocked();
        }
    }

    public CallFigures Figures
    {
        get
        {
            lock (_gate)
            {
                return FiguresLocked();
            }
        }
    }

    /// <summary>Completes when the figures satisfy <paramref name="until"/> (checked now and after every call).</summary>
    public async Task WaitAsync(Func<CallFigures, bool> until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(until);
        TaskCompletionSource done;
        lock (_gate)
        {
            if (until(FiguresLocked()))
            {
                return;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((until, done));
        }

        try
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }
        }
    }

    private void WakeLocked()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var figures = FiguresLocked();
        foreach (var w in _waiters.Where(w => w.Until(figures)))
        {
            w.Done.TrySetResult();
        }
    }

    private CallFigures FiguresLocked() => new()
    {
        Calls = _calls,
        Failures = _failures,
        P95Ms = _latency.Count == 0 ? null : _latency.Percentile(0.95).TotalMilliseconds,
        OutputSamples = _samples,
        OutputMean = _mean,
        OutputSpread = _samples < 2 ? 0 : Math.Sqrt(_m2 / (_samples - 1)),
    };
}
