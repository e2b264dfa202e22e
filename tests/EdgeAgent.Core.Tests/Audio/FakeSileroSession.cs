using System.Runtime.InteropServices;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Core.Tests.Audio;

/// <summary>
/// Stands in for silero-vad v5 with the catalog's real signature: checks the tensor shapes silero's OnnxWrapper feeds
/// ([1, 576], [2, 1, 128], int64 scalar 16000), answers with the mean of the window's 512 new samples (clamped to
/// [0, 1]) as the speech probability, and returns state + 1 as stateN, so a test can write audio whose windows score
/// what it wants and see whether the state was carried. <see cref="Record"/> keeps what each run saw.
/// </summary>
internal sealed class FakeSileroSession : IInferenceSession
{
    private static readonly long[] InputShape = [1, 576];
    private static readonly long[] StateShape = [2, 1, 128];
    private static readonly long[] ScalarShape = [];

    private readonly float[] _input = new float[576];
    private readonly float[] _state = new float[256];
    private readonly long[] _sr = new long[1];
    private readonly float[] _output = new float[1];
    private readonly float[] _stateN = new float[256];

    public ModelEntry Entry { get; } = RealModels.Entry("silero-vad");

    public int Runs { get; private set; }

    /// <summary>When true, every run's 64 context samples and first state value are kept in <see cref="Contexts"/> and <see cref="States"/>.</summary>
    public bool Record { get; set; }

    public List<float[]> Contexts { get; } = [];

    public List<float> States { get; } = [];

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        (Array buffer, long[] expected, Type type) = index switch
        {
            0 => ((Array)_input, InputShape, typeof(float)),
            1 => (_state, StateShape, typeof(float)),
            2 => (_sr, ScalarShape, typeof(long)),
            _ => throw new ArgumentOutOfRangeException(nameof(index), $"silero-vad has 3 inputs, not {index + 1}"),
        };
        if (!shape.SequenceEqual(expected) || typeof(T) != type)
        {
            throw new ArgumentException($"input {index} fed as {typeof(T).Name}[{string.Join(',', shape.ToArray())}]; silero's OnnxWrapper feeds {type.Name}[{string.Join(',', expected)}]");
        }

        return buffer is float[] f ? MemoryMarshal.Cast<float, T>(f.AsSpan()) : MemoryMarshal.Cast<long, T>(((long[])buffer).AsSpan());
    }

    public void Run()
    {
        if (_sr[0] != 16_000)
        {
            throw new InferenceException($"sr is {_sr[0]}, not 16000");
        }

        Runs++;
        if (Record)
        {
            Contexts.Add(_input[..64]);
            States.Add(_state[0]);
        }

        var sum = 0.0;
        for (var i = 64; i < 576; i++)
        {
            sum += _input[i];
        }

        _output[0] = Math.Clamp((float)(sum / 512), 0f, 1f);
        for (var i = 0; i < _state.Length; i++)
        {
            _stateN[i] = _state[i] + 1;
        }
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => MemoryMarshal.Cast<float, T>((index == 0 ? _output : _stateN).AsSpan());

    public ReadOnlySpan<long> OutputShape(int index) => index == 0 ? [1, 1] : StateShape;

    public void Dispose()
    {
    }
}
