using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines;

/// <summary>
/// Real catalog models from the repository's model cache, loaded once per test class the way the agent loads them
/// (hash-checked, signature-checked, self-tested), one intra-op thread each.
/// </summary>
public abstract class RealModelFixture(params string[] models) : IAsyncLifetime
{
    private readonly Dictionary<string, IInferenceSession> _sessions = new(StringComparer.Ordinal);

    public virtual async Task InitializeAsync()
    {
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 });
        foreach (var model in models)
        {
            _sessions[model] = await loader.LoadAsync(RealModels.Cache, RealModels.Entry(model), CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        return Task.CompletedTask;
    }

    protected IInferenceSession Get(string model) =>
        _sessions.TryGetValue(model, out var session) ? session : throw new InvalidOperationException($"the fixture has not loaded '{model}'");
}
