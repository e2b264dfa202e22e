using System.Diagnostics;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>A hand-written decorator that times <see cref="Run"/> of the real session it wraps (it does not own it).</summary>
internal sealed class TimedSession(IInferenceSession inner) : IInferenceSession
{
    public ModelEntry Entry => inner.Entry;

    /// <summary>Runs since the last <see cref="Reset"/>.</summary>
    public int Runs { get; private set; }

    /// <summary>Time spent in the model since the last <see cref="Reset"/>.</summary>
    public TimeSpan Elapsed { get; private set; }

    public void Reset()
    {
        Runs = 0;
        Elapsed = TimeSpan.Zero;
    }

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged => inner.Input<T>(index, shape);

    public void Run()
    {
        var started = Stopwatch.GetTimestamp();
        inner.Run();
        Elapsed += Stopwatch.GetElapsedTime(started);
        Runs++;
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => inner.Output<T>(index);

    public ReadOnlySpan<long> OutputShape(int index) => inner.OutputShape(index);

    public void Dispose()
    {
        // The fixture owns the real session.
    }
}
