using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Tests.Vision.Text;

/// <summary>
/// A hand-written <see cref="IInferenceSession"/> whose output is computed by a script from the input shape and the run
/// number; it records the input shapes it was given.
/// </summary>
internal sealed class ScriptedSession(string name, long[] outputShape, Func<long[], int, (float[] Values, long[] Shape)> script) : IInferenceSession
{
    private float[] _input = [];
    private long[] _inputShape = [];
    private (float[] Values, long[] Shape) _output = ([], []);

    public ModelEntry Entry { get; } = new()
    {
        Name = name,
        Task = "test",
        License = "MIT",
        Source = new PackageSource { Npm = "fake", Version = "0.0.0", Path = "fake.onnx" },
        Sha256 = new string('0', 64),
        Inputs = [new TensorSpec { Name = "x", Type = "float32", Shape = [-1, 3, -1, -1] }],
        Outputs = [new TensorSpec { Name = "y", Type = "float32", Shape = outputShape }],
    };

    public List<long[]> InputShapes { get; } = [];

    public int Runs { get; private set; }

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        _inputShape = shape.ToArray();
        var length = (int)_inputShape.Aggregate(1L, (a, b) => a * b);
        if (_input.Length != length)
        {
            _input = new float[length];
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_input.AsSpan());
    }

    public void Run()
    {
        InputShapes.Add(_inputShape);
        _output = script(_inputShape, Runs);
        Runs++;
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_output.Values.AsSpan());

    public ReadOnlySpan<long> OutputShape(int index) => _output.Shape;

    public void Dispose()
    {
    }
}
