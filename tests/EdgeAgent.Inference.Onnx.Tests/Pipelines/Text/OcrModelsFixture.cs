using EdgeAgent.Core.Vision.Text;
using EdgeAgent.TestKit.Catalog;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>The real PP-OCRv4 detector and recogniser (loaded, hash-checked, self-tested once per test class) and the dictionary.</summary>
public sealed class OcrModelsFixture() : RealModelFixture("ppocr-det", "ppocr-rec")
{
    internal TimedSession Detector { get; private set; } = null!;

    internal TimedSession Recognizer { get; private set; } = null!;

    public IReadOnlyList<string> Dictionary { get; private set; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Detector = new TimedSession(Get("ppocr-det"));
        Recognizer = new TimedSession(Get("ppocr-rec"));
        Dictionary = OcrDictionary.Load(RealModels.File("ppocr-rec", "dictionary"));
    }
}
