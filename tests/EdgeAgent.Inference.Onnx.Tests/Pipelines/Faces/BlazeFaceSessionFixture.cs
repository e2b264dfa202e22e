using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Faces;

/// <summary>The real BlazeFace model (catalog entry <c>blazeface</c>), loaded once for the test class: verified, self-tested, one thread.</summary>
public sealed class BlazeFaceSessionFixture : IAsyncLifetime
{
    private IInferenceSession? _session;

    public IInferenceSession Session => _session ?? throw new InvalidOperationException("the fixture is not initialised");

    public async Task InitializeAsync() =>
        _session = await new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 })
            .LoadAsync(RealModels.Cache, RealModels.Entry("blazeface"), CancellationToken.None);

    public Task DisposeAsync()
    {
        _session?.Dispose();
        return Task.CompletedTask;
    }
}
