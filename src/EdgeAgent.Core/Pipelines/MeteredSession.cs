using System.Diagnostics;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Pipelines;

/// <summary>An <see cref="IInferenceSession"/> that counts its calls, failures and latency into a <see cref="ModelUsage"/>.</summary>
public sealed class MeteredSession(IInferenceSession inner, ModelUsage usage) : IInferenceSession
{
    public ModelEntry Entry => inner.Entry;

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged => inner.Input<T>(index, shape);

    public void Run()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            inner.Run();
        }
        catch
        {
            usage.RecordFailure();
            throw;
        }

        usage.RecordCall(Stopwatch.GetElapsedTime(started));
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => inner.Output<T>(index);

    public ReadOnlySpan<long> OutputShape(int index) => inner.OutputShape(index);

    public void Dispose() => inner.Dispose();
}
