using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Inference.Onnx.Signatures;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using Xunit;

namespace EdgeAgent.Inference.Onnx.Tests.Signatures;

public sealed class OnnxSignatureReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_Mlp_ReturnsFloatInputXOneByFourAndOutputYOneByThree()
    {
        var (inputs, outputs) = OnnxSignatureReader.Read(TinyModels.Mlp().WriteTo(_dir.Path));

        AssertSpecs([Spec("x", "float32", 1, 4)], inputs);
        AssertSpecs([Spec("y", "float32", 1, 3)], outputs);
    }

    [Fact]
    public void Read_Conv_ReturnsImageAndFeaturesWithFourDimensions()
    {
        var (inputs, outputs) = OnnxSignatureReader.Read(TinyModels.Conv().WriteTo(_dir.Path));

        AssertSpecs([Spec("image", "float32", 1, 1, 5, 5)], inputs);
        AssertSpecs([Spec("features", "float32", 1, 1, 3, 3)], outputs);
    }

    [Fact]
    public void Read_DynamicBatch_ReturnsMinusOneForTheSymbolicDimension()
    {
        var (inputs, outputs) = OnnxSignatureReader.Read(TinyModels.DynamicBatch().WriteTo(_dir.Path));

        AssertSpecs([Spec("x", "float32", -1, 4)], inputs);
        AssertSpecs([Spec("y", "float32", -1, 3)], outputs);
    }

    [Theory]
    [InlineData("int64")]
    [InlineData("int32")]
    [InlineData("uint8")]
    [InlineData("float64")]
    [InlineData("float16")]
    public void Read_MlpVariantWithOtherInputType_ReturnsThatTypeAndName(string type)
    {
        var model = TinyModels.MlpVariant("tiny-mlp-variant", inputName: "features_in", inputType: type);

        var (inputs, outputs) = OnnxSignatureReader.Read(model.WriteTo(_dir.Path));

        AssertSpecs([Spec("features_in", type, 1, 4)], inputs);
        AssertSpecs([Spec("y", "float32", 1, 3)], outputs);
    }

    [Fact]
    public void Read_EachTinyModel_AgreesWithItsCatalogEntry()
    {
        foreach (var model in TinyModels.All())
        {
            var (inputs, outputs) = OnnxSignatureReader.Read(model.WriteTo(_dir.Path));
            var entry = model.ToCatalogEntry();

            AssertSpecs(entry.Inputs, inputs);
            AssertSpecs(entry.Outputs, outputs);
        }
    }

    private static TensorSpec Spec(string name, string type, params long[] shape) => new() { Name = name, Type = type, Shape = shape };

    private static void AssertSpecs(IReadOnlyList<TensorSpec> expected, IReadOnlyList<TensorSpec> actual)
    {
        // TensorSpec's record equality compares Shape by reference, so compare its parts.
        Assert.Equal(expected.Select(s => s.ToString()), actual.Select(s => s.ToString()));
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].Type, actual[i].Type);
            Assert.Equal(expected[i].Shape, actual[i].Shape);
        }
    }
}
