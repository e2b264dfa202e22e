namespace EdgeAgent.Core.Pipelines;

/// <summary>Counters of one model's use: calls, failures and latency. Thread-safe; read by the usage summary.</summary>
public sealed class ModelUsage(string model)
{
    private long _calls;
    private long _failures;

    public string Model { get; } = model;

    public long Calls => Interlocked.Read(ref _calls);

    public long Failures => Interlocked.Read(ref _failures);

    public LatencyHistogram Latency { get; } = new();

    public void RecordCall(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _calls);
        Latency.Record(elapsed);
    }

    public void RecordFailure() => Interlocked.Increment(ref _failures);
}

/// <summary>The usage counters of every model the agent runs, by model name.</summary>
public sealed class InferenceUsage
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelUsage> _models = new(StringComparer.Ordinal);

    public ModelUsage For(string model) => _models.GetOrAdd(model, m => new ModelUsage(m));

    public IReadOnlyList<ModelUsage> Snapshot() => [.. _models.Values.OrderBy(m => m.Model, StringComparer.Ordinal)];
}
