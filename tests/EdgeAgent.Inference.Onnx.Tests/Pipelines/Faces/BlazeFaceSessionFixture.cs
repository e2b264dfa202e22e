using EdgeAgent.Core.Inference;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Faces;

/// <summary>The real BlazeFace model (catalog entry <c>blazeface</c>), loaded once for the test class.</summary>
public sealed class BlazeFaceSessionFixture() : RealModelFixture("blazeface")
{
    public IInferenceSession Session => Get("blazeface");
}
