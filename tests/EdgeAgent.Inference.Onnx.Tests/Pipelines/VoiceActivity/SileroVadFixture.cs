using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

/// <summary>The real silero-vad v5 from the model cache, loaded (hash-checked and self-tested) once per test class.</summary>
public sealed class SileroVadFixture : IAsyncLifetime
{
    private IInferenceSession? _session;

    public IInferenceSession Session => _session ?? throw new InvalidOperationException("the fixture has not been initialised");

    public async Task InitializeAsync() =>
        _session = await new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 })
            .LoadAsync(RealModels.Cache, RealModels.Entry("silero-vad"), CancellationToken.None);

    public Task DisposeAsync()
    {
        _session?.Dispose();
        return Task.CompletedTask;
    }
}
