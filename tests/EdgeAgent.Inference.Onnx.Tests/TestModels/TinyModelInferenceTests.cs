using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EdgeAgent.Inference.Onnx.Tests.TestModels;

/// <summary>Each tiny model runs in the real ONNX Runtime and computes what its graph says, checked against C# arithmetic.</summary>
public sealed class TinyModelInferenceTests : IDisposable
{
    private const double Tolerance = 1e-5;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Mlp_RunInOnnxRuntime_EqualsSoftmaxOfXwPlusBComputedByHand()
    {
        float[] x = [1.0f, -2.0f, 0.5f, 3.0f];

        var y = Run(TinyModels.Mlp(), "x", OrtValue.CreateTensorValueFromMemory(x, [1, 4]), "y", out var shape);

        Assert.Equal([1L, 3L], shape);
        AssertClose(MlpByHand(x, batch: 1), y);
    }

    [Fact]
    public void Mlp_ExpectedValues_AreNotUniform()
    {
        // Guards the test above: a model that ignored its input would output [1/3, 1/3, 1/3].
        var expected = MlpByHand([1.0f, -2.0f, 0.5f, 3.0f], batch: 1);

        Assert.True(expected.Max() - expected.Min() > 0.1, $"softmax is nearly flat: {string.Join(", ", expected)}");
        Assert.Equal(1.0, expected.Sum(), 6);
    }

    [Fact]
    public void DynamicBatch_RunWithBatchOfThree_EqualsSoftmaxOfEachRow()
    {
        float[] x =
        [
            1.0f, -2.0f, 0.5f, 3.0f,
            0.0f, 0.0f, 0.0f, 0.0f,
            -1.5f, 2.5f, 4.0f, -0.25f,
        ];

        var y = Run(TinyModels.DynamicBatch(), "x", OrtValue.CreateTensorValueFromMemory(x, [3, 4]), "y", out var shape);

        Assert.Equal([3L, 3L], shape);
        AssertClose(MlpByHand(x, batch: 3), y);
    }

    [Fact]
    public void MlpVariant_Int64Input_CastsToFloatAndEqualsMlpByHand()
    {
        long[] x = [2, -1, 0, 3];
        var model = TinyModels.MlpVariant("tiny-mlp-int64", inputName: "ids", inputType: "int64");

        var y = Run(model, "ids", OrtValue.CreateTensorValueFromMemory(x, [1, 4]), "y", out var shape);

        Assert.Equal([1L, 3L], shape);
        AssertClose(MlpByHand([.. x.Select(v => (float)v)], batch: 1), y);
    }

    [Fact]
    public void Conv_RunInOnnxRuntime_EqualsCrossCorrelationPlusBiasThenRelu()
    {
        var image = TestImage();

        var features = Run(TinyModels.Conv(), "image", OrtValue.CreateTensorValueFromMemory(image, [1, 1, 5, 5]), "features", out var shape);

        var expected = ConvReluByHand(image);
        Assert.Equal([1L, 1L, 3L, 3L], shape);
        AssertClose(expected, features);
    }

    [Fact]
    public void Conv_ExpectedValues_HaveBothClippedAndPositiveCells()
    {
        // Guards the test above: Relu is only exercised if some pre-activations are negative and some positive.
        var image = TestImage();

        var expected = ConvReluByHand(image);

        Assert.Contains(expected, v => v == 0.0);
        Assert.Contains(expected, v => v > 0.1);
    }

    /// <summary>A 5x5 ramp in [-1, 1.5] whose 3x3 windows give both negative and positive pre-activations.</summary>
    private static float[] TestImage()
    {
        var image = new float[25];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = ((i * 7) % 11 * 0.25f) - 1.0f;
        }

        return image;
    }

    private float[] Run(TinyModel model, string inputName, OrtValue input, string outputName, out long[] shape)
    {
        var path = model.WriteTo(_dir.Path);
        using var session = new InferenceSession(path);
        using var runOptions = new RunOptions();
        using (input)
        {
            using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [inputName] = input }, [outputName]);
            var output = Assert.Single(outputs);
            shape = output.GetTensorTypeAndShape().Shape;
            return output.GetTensorDataAsSpan<float>().ToArray();
        }
    }

    private static double[] MlpByHand(float[] x, int batch)
    {
        var w = TinyModels.MlpWeights;
        var b = TinyModels.MlpBias;
        var y = new double[batch * 3];
        for (var n = 0; n < batch; n++)
        {
            var logits = new double[3];
            for (var j = 0; j < 3; j++)
            {
                logits[j] = b[j];
                for (var i = 0; i < 4; i++)
                {
                    logits[j] += x[(n * 4) + i] * w[(i * 3) + j];
                }
            }

            var max = logits.Max();
            var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
            var sum = exp.Sum();
            for (var j = 0; j < 3; j++)
            {
                y[(n * 3) + j] = exp[j] / sum;
            }
        }

        return y;
    }

    private static double[] ConvReluByHand(float[] image)
    {
        // ONNX Conv is a cross-correlation: the kernel is not flipped.
        var k = TinyModels.ConvKernel;
        var result = new double[9];
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                double sum = TinyModels.ConvBias;
                for (var kr = 0; kr < 3; kr++)
                {
                    for (var kc = 0; kc < 3; kc++)
                    {
                        sum += image[((r + kr) * 5) + c + kc] * k[(kr * 3) + kc];
                    }
                }

                result[(r * 3) + c] = Math.Max(0.0, sum);
            }
        }

        return result;
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= Tolerance,
                $"element {i}: expected {expected[i]:R}, ONNX Runtime gave {actual[i]:R} (all: {string.Join(", ", actual)})");
        }
    }
}
