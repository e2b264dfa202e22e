using System.Text;

namespace EdgeAgent.TestKit.Onnx;

/// <summary>
/// A new build of a real model: the same graph and weights with one more <c>metadata_props</c> entry
/// (<c>ModelProto</c> field 14, a <c>StringStringEntryProto</c>), appended to the serialized protobuf, which is
/// valid because a repeated field may continue anywhere in the message. The bytes (and so the SHA-256) differ; the
/// tensor signature and the outputs do not. Release tests and benchmarks publish such builds as new versions.
/// </summary>
public static class OnnxRebuild
{
    private const int MetadataPropsField = 14;

    public static byte[] WithMetadata(ReadOnlySpan<byte> model, string key, string value)
    {
        var entry = new List<byte>();
        AppendString(entry, 1, key);
        AppendString(entry, 2, value);
        var result = new List<byte>(model.Length + entry.Count + 8);
        result.AddRange(model.ToArray());
        AppendTag(result, MetadataPropsField);
        AppendVarint(result, (ulong)entry.Count);
        result.AddRange(entry);
        return [.. result];
    }

    private static void AppendString(List<byte> to, int field, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        AppendTag(to, field);
        AppendVarint(to, (ulong)bytes.Length);
        to.AddRange(bytes);
    }

    private static void AppendTag(List<byte> to, int field) => AppendVarint(to, ((ulong)field << 3) | 2); // wire type 2: length-delimited

    private static void AppendVarint(List<byte> to, ulong value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }
}
