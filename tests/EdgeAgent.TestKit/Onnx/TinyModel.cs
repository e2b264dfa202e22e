using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.TestKit.Onnx;

/// <summary>
/// One generated ONNX model: its bytes (the same on every run and machine), the tensors it declares, and the
/// catalog entry that pins it. Get one from <see cref="TinyModels"/>.
/// </summary>
public sealed class TinyModel
{
    private readonly byte[] _bytes;

    internal TinyModel(string name, byte[] bytes, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        Name = name;
        _bytes = bytes;
        Inputs = inputs;
        Outputs = outputs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Catalog name of the model, for example <c>tiny-mlp</c>.</summary>
    public string Name { get; }

    /// <summary><c>{Name}.onnx</c>: the file name <see cref="WriteTo"/> uses and the path inside the made-up package.</summary>
    public string FileName => Name + ".onnx";

    /// <summary>The serialized <c>ModelProto</c>.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Lower-case hex SHA-256 of <see cref="Bytes"/>.</summary>
    public string Sha256 { get; }

    /// <summary>The graph inputs as the catalog spells them (a symbolic dimension is <c>-1</c>).</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>The graph outputs as the catalog spells them.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Writes the model to <c>{directory}/{FileName}</c> (creating the directory) and returns that path.</summary>
    public string WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        File.WriteAllBytes(path, _bytes);
        return path;
    }

    /// <summary>
    /// The catalog entry that pins this model: task <c>test</c>, licence MIT, the made-up package
    /// <see cref="TinyModels.Package"/>@<see cref="TinyModels.PackageVersion"/> with the file at its root, the real
    /// SHA-256 and the declared tensors. Change it with <c>with</c> to make an entry that disagrees with the file.
    /// </summary>
    public ModelEntry ToCatalogEntry() => new()
    {
        Name = Name,
        Task = "test",
        License = "MIT",
        Source = new PackageSource { Npm = TinyModels.Package, Version = TinyModels.PackageVersion, Path = FileName },
        Sha256 = Sha256,
        Inputs = Inputs,
        Outputs = Outputs,
    };

    public override string ToString() => $"{Name} ({_bytes.Length} bytes, sha256 {Sha256})";
}
