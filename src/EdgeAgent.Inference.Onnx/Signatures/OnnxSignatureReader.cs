using EdgeAgent.Contracts.Catalog;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeAgent.Inference.Onnx.Signatures;

/// <summary>Reads the input and output tensors an ONNX file declares, in the catalog's terms.</summary>
public static class OnnxSignatureReader
{
    public static (IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs) Read(string modelPath)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        using var session = new InferenceSession(modelPath, options);
        return (ToSpecs(session.InputMetadata), ToSpecs(session.OutputMetadata));
    }

    internal static IReadOnlyList<TensorSpec> ToSpecs(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        metadata.Select(kv => new TensorSpec
        {
            Name = kv.Key,
            Type = ElementTypeName(kv.Value.ElementDataType),
            Shape = kv.Value.Dimensions.Select(d => d > 0 ? (long)d : -1L).ToArray(),
        }).ToArray();

    internal static string ElementTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "float64",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int16 => "int16",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.Int32 => "int32",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
