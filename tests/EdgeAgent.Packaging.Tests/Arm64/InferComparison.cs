using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>
/// Compares what <c>edgeagent infer</c> printed on ARM64 with what the x64 build printed for the same input, field by
/// field: the same fields, the same number of items in every array (segments, faces, lines, points), identical strings
/// (OCR text, file names), and every number within the tolerance of its kind.
/// </summary>
/// <remarks>
/// Why these tolerances: ONNX Runtime's CPU kernels (MLAS) are different code on each architecture (NEON on ARM64,
/// AVX2/FMA on x86-64), so sums run in another order and multiply-adds fuse differently, and float32 outputs differ in
/// their last bits (about 1e-6 relative). Through sigmoids, anchor decoding, NMS and resizing back to the input, that
/// stays far below a thousandth of a pixel or of a score; infer prints 4 decimals. So the tolerances leave room for
/// kernel differences and nothing else: 1 px for coordinates (a face is about 94 px across, a text line 23 px high),
/// 0.01 for scores, 0.02 s for voice-activity times (less than one 32 ms window: a window classified differently fails),
/// image sizes exact. A real fault of the ARM64 build (another decode, channel order or resampling, a wrong kernel, a
/// different model) moves boxes by pixels, changes the text, or changes how many items there are, and fails.
/// </remarks>
internal sealed class InferComparison
{
    /// <summary>Rounding slack, so that a difference of exactly the tolerance (0.02 s, 1 px, 0.01) passes.</summary>
    private const double Slack = 1e-9;

    private readonly Dictionary<(string Model, string Kind), Stat> _stats = [];

    public List<string> Mismatches { get; } = [];

    /// <summary>The kind of a numeric field, from its name, and its tolerance.</summary>
    public static (string Kind, double Tolerance) KindOf(string key) =>
        key.EndsWith("_s", StringComparison.Ordinal) ? ("seconds", 0.02)
        : key == "score" ? ("score", 0.01)
        : key is "width" or "height" ? ("image size", 0.0)
        : ("pixels", 1.0);

    /// <summary>Compares the JSON lines of two runs on the same input, one object per input file, in order.</summary>
    public void Compare(string model, string x64Output, string arm64Output)
    {
        var (x64, arm64) = (JsonLines(x64Output), JsonLines(arm64Output));
        if (x64.Count == 0)
        {
            Mismatches.Add($"{model}: x64 printed no result, so there is nothing to compare");
            return;
        }

        if (x64.Count != arm64.Count)
        {
            Mismatches.Add($"{model}: x64 printed {x64.Count} result(s), ARM64 {arm64.Count}");
            return;
        }

        for (var i = 0; i < x64.Count; i++)
        {
            Walk(model, x64.Count == 1 ? "" : $"[{i}]", "", x64[i], arm64[i]);
        }
    }

    /// <summary>One row per model and kind of field: how many values were compared, the largest difference, where.</summary>
    public IEnumerable<string> Table()
    {
        yield return $"{"model",-11} {"field",-22} {"compared",8} {"max |diff|",11} {"tolerance",9}  {"result",-8} worst at";
        foreach (var ((model, kind), s) in _stats)
        {
            var result = s.MaxDiff <= s.Tolerance + Slack ? "ok" : "MISMATCH";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{model,-11} {kind,-22} {s.Count,8} {s.MaxDiff,11:G4} {s.Tolerance,9}  {result,-8} {(s.MaxDiff > 0 ? s.Where : "")}");
        }
    }

    private static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private void Walk(string model, string path, string key, JsonElement x64, JsonElement arm64)
    {
        if (x64.ValueKind != arm64.ValueKind)
        {
            Mismatches.Add($"{model} {path}: x64 has {x64.ValueKind}, ARM64 has {arm64.ValueKind}");
            return;
        }

        switch (x64.ValueKind)
        {
            case JsonValueKind.Object:
                var names = x64.EnumerateObject().Select(p => p.Name).ToList();
                var otherNames = arm64.EnumerateObject().Select(p => p.Name).ToList();
                if (!names.SequenceEqual(otherNames))
                {
                    Mismatches.Add($"{model} {path}: x64 has fields {string.Join(",", names)}, ARM64 {string.Join(",", otherNames)}");
                    return;
                }

                foreach (var property in x64.EnumerateObject())
                {
                    Walk(model, path.Length == 0 ? property.Name : $"{path}.{property.Name}", property.Name, property.Value, arm64.GetProperty(property.Name));
                }

                break;
            case JsonValueKind.Array:
                var (a, b) = (x64.EnumerateArray().ToList(), arm64.EnumerateArray().ToList());
                Record(model, $"{key} (count)", path, Math.Abs(a.Count - b.Count), 0);
                if (a.Count != b.Count)
                {
                    Mismatches.Add($"{model} {path}: x64 has {a.Count} item(s), ARM64 has {b.Count}");
                    return;
                }

                for (var i = 0; i < a.Count; i++)
                {
                    Walk(model, $"{path}[{i}]", key, a[i], b[i]);
                }

                break;
            case JsonValueKind.String:
                var same = x64.GetString() == arm64.GetString();
                Record(model, $"{key} (identical)", path, same ? 0 : 1, 0);
                if (!same)
                {
                    Mismatches.Add($"{model} {path}: x64 \"{x64.GetString()}\", ARM64 \"{arm64.GetString()}\"");
                }

                break;
            case JsonValueKind.Number:
                var (kind, tolerance) = KindOf(key);
                var diff = Math.Abs(x64.GetDouble() - arm64.GetDouble());
                Record(model, kind, path, diff, tolerance);
                if (diff > tolerance + Slack)
                {
                    Mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{model} {path}: x64 {x64.GetDouble()}, ARM64 {arm64.GetDouble()}, |diff| {diff:G4} > {tolerance} ({kind})"));
                }

                break;
            default:
                if (x64.GetRawText() != arm64.GetRawText())
                {
                    Mismatches.Add($"{model} {path}: x64 {x64.GetRawText()}, ARM64 {arm64.GetRawText()}");
                }

                break;
        }
    }

    private void Record(string model, string kind, string path, double diff, double tolerance)
    {
        var known = _stats.TryGetValue((model, kind), out var s) ? s : new Stat(0, -1, "", tolerance);
        _stats[(model, kind)] = diff > known.MaxDiff ? new Stat(known.Count + 1, diff, path, tolerance) : known with { Count = known.Count + 1 };
    }

    private sealed record Stat(int Count, double MaxDiff, string Where, double Tolerance);
}
