using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.Core.Inference;

/// <summary>
/// A loaded, verified, warmed-up model, as pipelines see it (the port; EdgeAgent.Inference.Onnx implements it).
/// Pre-processing writes straight into the session's input buffers, <see cref="Run"/> runs the model, and
/// post-processing reads the output buffers: in steady state (the same input shapes as the previous call) nothing is
/// allocated. One caller at a time: a session is not thread-safe.
/// </summary>
public interface IInferenceSession : IDisposable
{
    /// <summary>The catalog entry the model was verified against.</summary>
    ModelEntry Entry { get; }

    /// <summary>
    /// The buffer of input <paramref name="index"/> (catalog order), shaped <paramref name="shape"/>. Asking again with
    /// the same shape returns the same memory; the contents are whatever was written last.
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not fit the catalog's (rank, fixed sizes) or T is not the element type.</exception>
    Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged;

    /// <summary>Runs the model on the current input buffers.</summary>
    /// <exception cref="InferenceException">The runtime failed; the message says which model and why.</exception>
    void Run();

    /// <summary>Output <paramref name="index"/> (catalog order) of the last <see cref="Run"/>; valid until the next one.</summary>
    ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged;

    /// <summary>The shape of output <paramref name="index"/> of the last <see cref="Run"/>.</summary>
    ReadOnlySpan<long> OutputShape(int index);
}
