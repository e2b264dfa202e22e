using System.Security.Cryptography;
using EdgeAgent.Core.Catalog;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using Xunit;

namespace EdgeAgent.Inference.Onnx.Tests.TestModels;

public sealed class TinyModelDeterminismTests
{
    [Theory]
    [InlineData("tiny-mlp")]
    [InlineData("tiny-conv")]
    [InlineData("tiny-mlp-dynamic")]
    public void Generate_Twice_GivesIdenticalBytes(string name)
    {
        var first = ByName(name);
        var second = ByName(name);

        Assert.True(first.Bytes.Span.SequenceEqual(second.Bytes.Span), $"{name}: {first} vs {second}");
        Assert.Equal(first.Sha256, second.Sha256);
    }

    [Theory]
    [InlineData("tiny-mlp")]
    [InlineData("tiny-conv")]
    [InlineData("tiny-mlp-dynamic")]
    public async Task WriteTo_Twice_FilesHashToTheCatalogEntrysSha256(string name)
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();

        var first = ByName(name).WriteTo(a.Path);
        var second = ByName(name).WriteTo(b.Path);

        var entry = ByName(name).ToCatalogEntry();
        Assert.Equal(Path.Combine(a.Path, $"{name}.onnx"), first);
        Assert.Equal(entry.Sha256, await ModelCache.Sha256OfFileAsync(first, CancellationToken.None));
        Assert.Equal(entry.Sha256, await ModelCache.Sha256OfFileAsync(second, CancellationToken.None));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(first))), entry.Sha256);
    }

    /// <summary>
    /// The hashes are pinned so a change to the generator (or a protobuf upgrade that reorders bytes) is seen here
    /// rather than as hash mismatches in catalogs that pin these models. Change a pin only together with its model.
    /// </summary>
    [Theory]
    [InlineData("tiny-mlp", "4a1e5815afa7940ee430e175f5fd0e4f0d6adcc2ed400d870cfc9b667c80fa1a")]
    [InlineData("tiny-conv", "862bf013ebf96a6fc6203af06615255910401293cc021ac59b21cd7021be3328")]
    [InlineData("tiny-mlp-dynamic", "8db8822f75ec6d5e92f26b4892d9c8f3c8ea098014ef3f01fe3016240ac90f11")]
    public void Generate_EachTinyModel_HasItsPinnedSha256(string name, string sha256)
    {
        Assert.Equal(sha256, ByName(name).Sha256);
    }

    [Fact]
    public void Mlp_VariantsWithAnotherInput_DifferInBytes()
    {
        var mlp = TinyModels.Mlp().Sha256;

        Assert.NotEqual(mlp, TinyModels.MlpVariant("tiny-mlp", inputName: "input").Sha256);
        Assert.NotEqual(mlp, TinyModels.MlpVariant("tiny-mlp", inputType: "int64").Sha256);
        Assert.NotEqual(mlp, TinyModels.DynamicBatch().Sha256);
    }

    private static TinyModel ByName(string name) => name switch
    {
        "tiny-mlp" => TinyModels.Mlp(),
        "tiny-conv" => TinyModels.Conv(),
        "tiny-mlp-dynamic" => TinyModels.DynamicBatch(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a tiny model"),
    };
}
