using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Device.Inference;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Inference;

public sealed class InferJobsTests
{
    private static readonly ModelCatalog Catalog = CatalogReader.Load(RepositoryRoot.Combine("models", "catalog.json"));

    [Theory]
    [InlineData("ppocr", "ppocr-det,ppocr-rec")]
    [InlineData("ppocr-det", "ppocr-det,ppocr-rec")]
    [InlineData("ppocr-rec", "ppocr-det,ppocr-rec")]
    [InlineData("blazeface", "blazeface")]
    [InlineData("silero-vad", "silero-vad")]
    [InlineData("no-such-model", "")]
    public void EntriesOf_Name_IsEveryModelTheJobRuns(string name, string expected)
    {
        // What the records' model digest is made of must be what the pipeline really loads.
        Assert.Equal(expected, string.Join(",", InferJobs.EntriesOf(name, Catalog).Select(e => e.Name)));
    }
}
