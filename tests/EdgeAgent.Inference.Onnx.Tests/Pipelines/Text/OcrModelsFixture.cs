using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Vision.Text;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>The real PP-OCRv4 detector and recogniser (loaded, hash-checked, self-tested once per test class) and the dictionary.</summary>
public sealed class OcrModelsFixture : IAsyncLifetime
{
    private IInferenceSession? _detector;
    private IInferenceSession? _recognizer;

    internal TimedSession Detector { get; private set; } = null!;

    internal TimedSession Recognizer { get; private set; } = null!;

    public IReadOnlyList<string> Dictionary { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var loader = new OnnxModelLoader(new OnnxRuntimeOptions { IntraOpThreads = 1 });
        _detector = await loader.LoadAsync(RealModels.Cache, RealModels.Entry("ppocr-det"), CancellationToken.None);
        _recognizer = await loader.LoadAsync(RealModels.Cache, RealModels.Entry("ppocr-rec"), CancellationToken.None);
        Detector = new TimedSession(_detector);
        Recognizer = new TimedSession(_recognizer);
        Dictionary = OcrDictionary.Load(RealModels.File("ppocr-rec", "dictionary"));
    }

    public Task DisposeAsync()
    {
        _detector?.Dispose();
        _recognizer?.Dispose();
        return Task.CompletedTask;
    }
}
