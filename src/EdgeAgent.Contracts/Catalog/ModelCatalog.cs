using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Catalog;

/// <summary>
/// <c>models/catalog.json</c>: the models EdgeAgent knows, where their bytes come from (an npm package, pinned by
/// SHA-256), their licence and the tensor signature the runtime must find in the file. The same entry travels
/// inside a model release manifest, so agent and hub read it with this one type.
/// </summary>
public sealed record ModelCatalog
{
    /// <summary>The catalog format version this build reads.</summary>
    public const int CurrentSchema = 1;

    [JsonPropertyName("schema")]
    public int Schema { get; init; }

    [JsonPropertyName("models")]
    public required IReadOnlyList<ModelEntry> Models { get; init; }

    public ModelEntry? Find(string name) => Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}

/// <summary>One model: an ONNX file inside an npm package, plus any companion assets (a dictionary, labels).</summary>
public sealed record ModelEntry
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>What the model does: <c>voice-activity</c>, <c>face-detection</c>, <c>text-detection</c>, <c>text-recognition</c>, <c>test</c>.</summary>
    [JsonPropertyName("task")]
    public required string Task { get; init; }

    [JsonPropertyName("license")]
    public required string License { get; init; }

    [JsonPropertyName("source")]
    public required PackageSource Source { get; init; }

    /// <summary>Lower-case hex SHA-256 of the ONNX file.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("inputs")]
    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    [JsonPropertyName("outputs")]
    public required IReadOnlyList<TensorSpec> Outputs { get; init; }

    /// <summary>Files the model needs besides itself, from the same package (for example the OCR dictionary).</summary>
    [JsonPropertyName("assets")]
    public IReadOnlyList<ModelAsset> Assets { get; set; } = [];

    /// <summary>Path of the self-test vector file, relative to the catalog (for example <c>selftest/blazeface.json</c>).</summary>
    [JsonPropertyName("selfTest")]
    public string? SelfTestFile { get; set; }

    /// <summary>The self-test vector read from <see cref="SelfTestFile"/> when the catalog was loaded.</summary>
    [JsonIgnore]
    public SelfTestVector? SelfTest { get; set; }
}

/// <summary>Where a file comes from: an npm package at an exact version and a path inside it.</summary>
public sealed record PackageSource
{
    [JsonPropertyName("npm")]
    public required string Npm { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary><c>package@version</c>, as npm takes it.</summary>
    [JsonIgnore]
    public string Spec => $"{Npm}@{Version}";
}

/// <summary>A companion file of a model, pinned like the model itself.</summary>
public sealed record ModelAsset
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }
}

/// <summary>
/// A tensor the model takes or gives. <see cref="Shape"/> holds one entry per dimension: a positive size, or
/// <c>-1</c> where the file leaves the dimension free (a symbolic or unknown size).
/// </summary>
public sealed record TensorSpec
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Element type in ONNX's lower-case spelling: <c>float32</c>, <c>int64</c>, ...</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("shape")]
    public required IReadOnlyList<long> Shape { get; init; }

    public override string ToString() => $"{Name} {Type}[{string.Join(',', Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
