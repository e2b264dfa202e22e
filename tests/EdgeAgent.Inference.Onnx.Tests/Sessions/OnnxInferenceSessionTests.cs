using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using EdgeAgent.TestKit.Memory;

namespace EdgeAgent.Inference.Onnx.Tests.Sessions;

[Collection(nameof(RunsAlone))]
public sealed class OnnxInferenceSessionTests : IDisposable
{
    private static readonly float[] X = [0.5f, -1f, 2f, 0.25f];

    // A collection expression at the call site ([1, 4]) allocates a new array per call in some builds; hot paths
    // keep their shapes in fields, as this does.
    private static readonly long[] MlpShape = [1, 4];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Run_Mlp_GivesSoftmaxOfXwPlusB()
    {
        using var session = Load(TinyModels.Mlp());

        X.CopyTo(session.Input<float>(0, [1, 4]));
        session.Run();

        Assert.Equal([1L, 3L], session.OutputShape(0).ToArray());
        var expected = MlpByHand(X);
        var actual = session.Output<float>(0).ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Run_SteadyState_AllocatesNoManagedMemory()
    {
        using var session = Load(TinyModels.Mlp());
        X.CopyTo(session.Input<float>(0, [1, 4]));
        session.Run();
        session.Run();
        float sink = 0;

        var rounds = Allocations.Measure(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var input = session.Input<float>(0, MlpShape);
                input[0] = i * 0.001f;
                session.Run();
                sink += session.Output<float>(0)[0];
            }
        });

        Assert.True(rounds.Least == 0, rounds.ToString());
        Assert.True(sink > 0);
    }

    [Fact]
    public void Input_BatchChanges_OutputsFollowTheNewShape()
    {
        using var session = Load(TinyModels.DynamicBatch());

        foreach (var batch in new[] { 1, 3, 1, 2 })
        {
            var input = session.Input<float>(0, [batch, 4]);
            for (var b = 0; b < batch; b++)
            {
                X.Select(v => v * (b + 1)).ToArray().CopyTo(input.Slice(b * 4, 4));
            }

            session.Run();

            Assert.Equal([batch, 3L], session.OutputShape(0).ToArray());
            var output = session.Output<float>(0);
            for (var b = 0; b < batch; b++)
            {
                var expected = MlpByHand(X.Select(v => v * (b + 1)).ToArray());
                Assert.Equal(expected[2], output[(b * 3) + 2], 5);
            }
        }
    }

    [Fact]
    public void Run_OutputShapeDependsOnValues_FallsBackToRuntimeAllocatedOutputs()
    {
        using var session = (OnnxInferenceSession)Load(TinyModels.NonZero());

        float[][] inputs = [[1, 0, 2, 0], [1, 1, 1, 0], [0, 0, 0, 3], [5, 0, 0, 0]];
        long[][] expected = [[0, 2], [0, 1, 2], [3], [0]];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i].CopyTo(session.Input<float>(0, [4]));
            session.Run();

            Assert.Equal(expected[i], session.Output<long>(0).ToArray());
            Assert.Equal([1L, expected[i].Length], session.OutputShape(0).ToArray());
        }

        Assert.True(session.HasDynamicOutputs);
    }

    [Fact]
    public void Input_WrongElementType_NamesTensorAndType()
    {
        using var session = Load(TinyModels.Mlp());

        var e = Assert.Throws<ArgumentException>(() => session.Input<long>(0, [1, 4]));

        Assert.Equal("model 'tiny-mlp': tensor 'x' holds float32 (Single), not Int64", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 1, 5 })]
    [InlineData(new long[] { 2, 4 })]
    [InlineData(new long[] { 4 })]
    [InlineData(new long[] { 1, 0 })]
    public void Input_ShapeTheCatalogDoesNotAllow_IsRefused(long[] shape)
    {
        using var session = Load(TinyModels.Mlp());

        var e = Assert.Throws<ArgumentException>(() => session.Input<float>(0, shape));

        Assert.StartsWith($"model 'tiny-mlp': input 'x' cannot take shape [{string.Join(',', shape)}]; the catalog gives x float32[1,4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_BeforeAnyRun_Throws()
    {
        var model = TinyModels.Conv();
        using var session = new OnnxInferenceSession(model.ToCatalogEntry(), new Microsoft.ML.OnnxRuntime.InferenceSession(model.WriteTo(_temp.Path)));

        Assert.Throws<InferenceException>(session.Run);
        Assert.Throws<InvalidOperationException>(() => session.Output<float>(0).Length);
    }

    private IInferenceSession Load(TinyModel model) =>
        new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 }).Load(model.ToCatalogEntry(), model.WriteTo(_temp.Path));

    private static float[] MlpByHand(float[] x)
    {
        var logits = new double[3];
        for (var j = 0; j < 3; j++)
        {
            logits[j] = TinyModels.MlpBias[j];
            for (var i = 0; i < 4; i++)
            {
                logits[j] += x[i] * TinyModels.MlpWeights[(i * 3) + j];
            }
        }

        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => (float)(e / exp.Sum())).ToArray();
    }
}
