using System.Security.Cryptography;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Releases;
using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Releases;

/// <summary>
/// What a publisher has on disk for one release, made in a temp directory: the model file (opaque bytes to the hub,
/// which only hashes, stores and serves them), a catalog entry naming its SHA-256 and a self-test vector file with
/// expected outputs beside it, and a release key made with <see cref="ReleaseKeys.Generate"/>.
/// </summary>
internal sealed class ReleaseFiles : IDisposable
{
    public const string Model = "tiny-test";

    private readonly TempDirectory _dir = new();

    public ReleaseFiles(int modelBytes = 70_000, int seed = 1)
    {
        Bytes = new byte[modelBytes];
        new Random(seed).NextBytes(Bytes);
        ModelFile = _dir.Combine("model.onnx");
        File.WriteAllBytes(ModelFile, Bytes);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Bytes));
        Directory.CreateDirectory(_dir.Combine("selftest"));
        SelfTestFile = _dir.Combine("selftest", "tiny-test.json");
        WriteSelfTest(withExpectations: true);
        EntryFile = _dir.Combine("catalog-entry.json");
        WriteEntry(Sha256);
        KeyFile = _dir.Combine("release-key.pem");
        KeyId = ReleaseKeys.Generate(KeyFile);
    }

    public byte[] Bytes { get; }

    public string ModelFile { get; }

    public string Sha256 { get; }

    public string SelfTestFile { get; }

    public string EntryFile { get; }

    public string KeyFile { get; }

    public string KeyId { get; }

    public string PublicKeyFile => ReleaseKeys.PublicPathFor(KeyFile);

    public string Path(params string[] parts) => _dir.Combine(parts);

    /// <summary>The devices' view of trust: this release key, nothing revoked.</summary>
    public ReleaseTrust Trust() => ReleaseTrust.FromPemFiles([PublicKeyFile], []);

    public void WriteEntry(string sha256, string name = Model, string? selfTest = "selftest/tiny-test.json") =>
        File.WriteAllText(EntryFile, $$"""
            {
              "name": "{{name}}",
              {{(selfTest is null ? "" : $"\"selfTest\": \"{selfTest}\",")}}
              "task": "test",
              "license": "MIT",
              "source": { "npm": "edgeagent-test-models", "version": "1.0.0", "path": "tiny.onnx" },
              "sha256": "{{sha256}}",
              "inputs": [ { "name": "x", "type": "float32", "shape": [1, 4] } ],
              "outputs": [ { "name": "y", "type": "float32", "shape": [1, 4] } ]
            }
            """);

    public void WriteSelfTest(bool withExpectations) =>
        File.WriteAllText(SelfTestFile, $$"""
            {
              "inputs": { "x": { "shape": [1, 4], "fill": "values", "values": [1, 2, 3, 4] } },
              "expected": {{(withExpectations ? """{ "y": { "shape": [1, 4], "mean": 2.5, "l2": 5.477226, "samples": [[0, 1], [3, 4]] } }""" : "{}")}},
              "tolerance": { "absolute": 0.001, "relative": 0.001 }
            }
            """);

    public PublishRequest Request(string version = "1.0.0", string? keyFile = null, IReadOnlyList<string>? boards = null, string agentMin = "0.0.0", string? agentBelow = null) =>
        new(Model, version, ModelFile, EntryFile, keyFile ?? KeyFile, boards ?? [], agentMin, agentBelow);

    /// <summary>Publishes into the hub database at <paramref name="databasePath"/>.</summary>
    public PublishResult Publish(string databasePath, string version = "1.0.0", IReadOnlyList<string>? boards = null, string agentMin = "0.0.0")
    {
        using var store = HubStore.Open(databasePath);
        return new ReleaseRegistry(store, new ArtifactStore(store.Path), TimeProvider.System).Publish(Request(version, boards: boards, agentMin: agentMin));
    }

    public void Dispose() => _dir.Dispose();
}
