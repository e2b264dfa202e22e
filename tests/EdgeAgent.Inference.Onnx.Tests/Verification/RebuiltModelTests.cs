using System.Security.Cryptography;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.Catalog;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;

namespace EdgeAgent.Inference.Onnx.Tests.Verification;

/// <summary>A rebuild of a real model (one more metadata entry) is another file with the same signature and outputs.</summary>
public sealed class RebuiltModelTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_BlazeFaceRebuiltWithMetadata_NewHashSameSignaturePassesTheSameSelfTest()
    {
        var original = RealModels.Entry("blazeface");
        var bytes = OnnxRebuild.WithMetadata(File.ReadAllBytes(RealModels.File("blazeface")), "edgeagent.release", "1.1.0");
        var path = _temp.Combine("blazeface-1.1.0.onnx");
        File.WriteAllBytes(path, bytes);
        var rebuilt = original with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };

        using var session = new OnnxModelLoader(new OnnxRuntimeOptions()).Load(rebuilt, path);

        Assert.NotNull(rebuilt.SelfTest); // Load ran it: a mismatch would have thrown
        Assert.NotEqual(original.Sha256, rebuilt.Sha256);
        Assert.Equal(original.Inputs, session.Entry.Inputs);
    }
}
