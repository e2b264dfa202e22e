using EdgeAgent.Core.Inference;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

/// <summary>The real silero-vad v5 (catalog entry <c>silero-vad</c>), loaded once per test class.</summary>
public sealed class SileroVadFixture() : RealModelFixture("silero-vad")
{
    public IInferenceSession Session => Get("silero-vad");
}
