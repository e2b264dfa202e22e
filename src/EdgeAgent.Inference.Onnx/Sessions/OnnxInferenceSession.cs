using System.Runtime.InteropServices;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeAgent.Inference.Onnx.Sessions;

/// <summary>
/// One ONNX Runtime session for one model version. Every input and output lives in a pinned buffer owned here and
/// bound once through <see cref="OrtIoBinding"/>, so a steady-state <see cref="Run"/> (same input shapes as the call
/// before) allocates nothing and copies nothing: ONNX Runtime reads the inputs in place and writes the outputs in place.
/// When the input shapes change, the first run lets ONNX Runtime allocate the outputs, learns their shapes, and binds
/// buffers of those shapes from then on. A model whose output shapes depend on the data, not only on the input shapes,
/// is detected and falls back to outputs allocated per call.
/// </summary>
internal sealed class OnnxInferenceSession : IInferenceSession
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly Buffer[] _inputs;
    private readonly Buffer[] _outputs;
    private IDisposableReadOnlyCollection<OrtValue>? _runtimeOwnedOutputs;
    private bool _outputsBound;
    private bool _dynamicOutputs;

    public OnnxInferenceSession(ModelEntry entry, InferenceSession session)
    {
        Entry = entry;
        _session = session;
        _binding = session.CreateIoBinding();
        _inputs = entry.Inputs.Select(t => new Buffer(t)).ToArray();
        _outputs = entry.Outputs.Select(t => new Buffer(t)).ToArray();
    }

    public ModelEntry Entry { get; }

    /// <summary>True when the model's output shapes turned out to depend on the data (outputs allocated per call).</summary>
    public bool HasDynamicOutputs => _dynamicOutputs;

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var input = _inputs[index];
        input.CheckType<T>(Entry.Name);
        if (!input.HasShape(shape))
        {
            CheckShape(input.Spec, shape);
            input.Reshape(shape);
            _binding.BindInput(input.Spec.Name, input.Value!);
            _outputsBound = false;
        }

        return input.Span<T>();
    }

    public void Run()
    {
        foreach (var input in _inputs)
        {
            if (input.Value is null)
            {
                throw new InferenceException($"model '{Entry.Name}': input '{input.Spec.Name}' was never set; call Input<T>() for every input before Run()");
            }
        }

        try
        {
            if (_outputsBound)
            {
                _session.RunWithBinding(_runOptions, _binding);
                return;
            }

            RunWithRuntimeOwnedOutputs();
        }
        catch (OnnxRuntimeException e) when (_outputsBound)
        {
            // The bound output shapes no longer fit although the input shapes did not change: the outputs depend on
            // the data. Stop binding them and let the runtime allocate them on every call.
            _outputsBound = false;
            _dynamicOutputs = true;
            try
            {
                RunWithRuntimeOwnedOutputs();
            }
            catch (OnnxRuntimeException again)
            {
                throw new InferenceException($"model '{Entry.Name}' failed to run: {again.Message}", new AggregateException(e, again));
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new InferenceException($"model '{Entry.Name}' failed to run: {e.Message}", e);
        }
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged
    {
        var output = _outputs[index];
        output.CheckType<T>(Entry.Name);
        if (_dynamicOutputs)
        {
            return _runtimeOwnedOutputs is { } values
                ? values[index].GetTensorDataAsSpan<T>()
                : throw new InvalidOperationException($"model '{Entry.Name}' has not run yet");
        }

        return output.Value is null ? throw new InvalidOperationException($"model '{Entry.Name}' has not run yet") : output.Span<T>();
    }

    public ReadOnlySpan<long> OutputShape(int index) => _outputs[index].Shape;

    public void Dispose()
    {
        _runtimeOwnedOutputs?.Dispose();
        foreach (var b in _inputs.Concat(_outputs))
        {
            b.Dispose();
        }

        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void RunWithRuntimeOwnedOutputs()
    {
        _runtimeOwnedOutputs?.Dispose();
        _runtimeOwnedOutputs = null;
        _binding.ClearBoundOutputs();
        foreach (var output in _outputs)
        {
            _binding.BindOutputToDevice(output.Spec.Name, OrtMemoryInfo.DefaultInstance);
        }

        _session.RunWithBinding(_runOptions, _binding);
        var values = _binding.GetOutputValues();
        for (var i = 0; i < _outputs.Length; i++)
        {
            var shape = values[i].GetTensorTypeAndShape().Shape;
            if (_dynamicOutputs)
            {
                _outputs[i].SetShapeOnly(shape);
                continue;
            }

            _outputs[i].Reshape(shape);
            values[i].GetTensorDataAsSpan<byte>().CopyTo(_outputs[i].Bytes);
        }

        if (_dynamicOutputs)
        {
            _runtimeOwnedOutputs = values;
            return;
        }

        values.Dispose();
        _binding.ClearBoundOutputs();
        foreach (var output in _outputs)
        {
            _binding.BindOutput(output.Spec.Name, output.Value!);
        }

        _outputsBound = true;
    }

    private void CheckShape(TensorSpec spec, ReadOnlySpan<long> shape)
    {
        var ok = shape.Length == spec.Shape.Count;
        for (var d = 0; ok && d < shape.Length; d++)
        {
            ok = shape[d] > 0 && (spec.Shape[d] < 0 || spec.Shape[d] == shape[d]);
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"model '{Entry.Name}': input '{spec.Name}' cannot take shape [{string.Join(',', shape.ToArray())}]; the catalog gives {spec}",
                nameof(shape));
        }
    }

    /// <summary>A pinned byte buffer and the tensor over it.</summary>
    private sealed class Buffer(TensorSpec spec) : IDisposable
    {
        private byte[] _bytes = [];
        private int _length;

        public TensorSpec Spec { get; } = spec;

        public ElementType Element { get; } = ElementType.Of(spec);

        public long[] Shape { get; private set; } = [];

        public OrtValue? Value { get; private set; }

        public Span<byte> Bytes => _bytes.AsSpan(0, _length);

        public Span<T> Span<T>()
            where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

        public bool HasShape(ReadOnlySpan<long> shape) => Value is not null && shape.SequenceEqual(Shape);

        public void CheckType<T>(string model)
            where T : unmanaged
        {
            if (typeof(T) != Element.ClrType)
            {
                throw new ArgumentException($"model '{model}': tensor '{Spec.Name}' holds {Spec.Type} ({Element.ClrType.Name}), not {typeof(T).Name}");
            }
        }

        public void Reshape(ReadOnlySpan<long> shape)
        {
            long count = 1;
            foreach (var d in shape)
            {
                count *= d;
            }

            var length = checked((int)(count * Element.Size));
            if (_bytes.Length < length)
            {
                _bytes = GC.AllocateArray<byte>(length, pinned: true);
            }

            Value?.Dispose();
            _length = length;
            Shape = shape.ToArray();
            Value = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, Element.OrtType, Shape, Marshal.UnsafeAddrOfPinnedArrayElement(_bytes, 0), length);
        }

        public void SetShapeOnly(long[] shape) => Shape = shape;

        public void Dispose() => Value?.Dispose();
    }

    /// <summary>The element types sessions can bind, with their CLR type and size.</summary>
    private sealed record ElementType(TensorElementType OrtType, Type ClrType, int Size)
    {
        public static ElementType Of(TensorSpec spec) => spec.Type switch
        {
            "float32" => new(TensorElementType.Float, typeof(float), 4),
            "float64" => new(TensorElementType.Double, typeof(double), 8),
            "int64" => new(TensorElementType.Int64, typeof(long), 8),
            "int32" => new(TensorElementType.Int32, typeof(int), 4),
            "int16" => new(TensorElementType.Int16, typeof(short), 2),
            "int8" => new(TensorElementType.Int8, typeof(sbyte), 1),
            "uint8" => new(TensorElementType.UInt8, typeof(byte), 1),
            "bool" => new(TensorElementType.Bool, typeof(bool), 1),
            _ => throw new InferenceException($"tensor '{spec.Name}' has element type {spec.Type}, which EdgeAgent sessions do not bind yet"),
        };
    }
}
