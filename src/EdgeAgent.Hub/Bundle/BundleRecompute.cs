using System.Globalization;
using System.Text.Json;
using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// Recomputes a bundle's reports from the bundle alone (<see cref="BundleInputs"/>, <see cref="BundleReports"/>: the
/// hub's own code) and compares them with the bundled ones figure by figure: each value that differs is a finding
/// naming the report file and its JSON path, with the bundled and the recomputed value, so an auditor sees which figures
/// an altered input moves. The HTML report must be the rendering of the recomputed one.
/// </summary>
internal static class BundleRecompute
{
    public const string FigureMismatch = "figure_mismatch";
    public const string RenderingMismatch = "rendering_mismatch";
    public const string NotRecomputable = "not_recomputable";

    /// <summary>Recomputes the reports the bundle holds; returns how many were compared.</summary>
    public static int Check(BundleManifest manifest, IReadOnlyDictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(findings);
        var bundled = BundleLayout.Reports.Where(entries.ContainsKey).ToList();
        if (bundled.Count == 0)
        {
            return 0;
        }

        var (inputs, profile) = BundleInputs.Read(manifest, entries, findings);
        if (inputs is null || profile is null)
        {
            findings.Add(new BundleFinding(bundled[0], 0, 0, NotRecomputable, "the reports cannot be recomputed without the bundle's policy profile"));
            return 0;
        }

        IReadOnlyList<(string Path, byte[] Content)> recomputed;
        try
        {
            recomputed = BundleReports.Compute(inputs, profile, manifest.Year, manifest.ProductId, BundleReports.GeneratedAt(manifest));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            findings.Add(new BundleFinding(bundled[0], 0, 0, NotRecomputable, $"the bundle's inputs do not make a report: {e.Message}"));
            return 0;
        }

        foreach (var (path, content) in recomputed.Where(r => entries.ContainsKey(r.Path)))
        {
            var held = entries[path];
            if (held.AsSpan().SequenceEqual(content))
            {
                continue;
            }

            if (!path.EndsWith(".json", StringComparison.Ordinal))
            {
                findings.Add(new BundleFinding(path, 0, 0, RenderingMismatch, "not the rendering of the report recomputed from the bundle's inputs"));
                continue;
            }

            try
            {
                using var a = JsonDocument.Parse(held);
                using var b = JsonDocument.Parse(content);
                var differences = new List<BundleFinding>();
                Compare(path, "$", a.RootElement, b.RootElement, differences);
                findings.AddRange(differences.Count > 0 ? differences : [new BundleFinding(path, 0, 0, FigureMismatch, "same figures, other bytes: not the report as the hub writes it")]);
            }
            catch (JsonException e)
            {
                findings.Add(new BundleFinding(path, 0, 0, Contracts.Records.RejectionReasons.Malformed, $"not JSON: {e.Message}"));
            }
        }

        return bundled.Count;
    }

    /// <summary>Every leaf where <paramref name="held"/> and <paramref name="computed"/> differ, by JSON path.</summary>
    public static void Compare(string file, string path, JsonElement held, JsonElement computed, List<BundleFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (held.ValueKind == JsonValueKind.Object && computed.ValueKind == JsonValueKind.Object)
        {
            var names = held.EnumerateObject().Select(p => p.Name).Concat(computed.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var child = $"{path}.{name}";
                var (inHeld, inComputed) = (held.TryGetProperty(name, out var h), computed.TryGetProperty(name, out var c));
                if (inHeld && inComputed)
                {
                    Compare(file, child, h, c, findings);
                }
                else
                {
                    findings.Add(Figure(file, child, inHeld ? Show(h) : "absent", inComputed ? Show(c) : "absent"));
                }
            }
        }
        else if (held.ValueKind == JsonValueKind.Array && computed.ValueKind == JsonValueKind.Array)
        {
            var (h, c) = (held.GetArrayLength(), computed.GetArrayLength());
            for (var i = 0; i < Math.Min(h, c); i++)
            {
                Compare(file, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), held[i], computed[i], findings);
            }

            if (h != c)
            {
                findings.Add(Figure(file, string.Create(CultureInfo.InvariantCulture, $"{path}.length"), h.ToString(CultureInfo.InvariantCulture), c.ToString(CultureInfo.InvariantCulture)));
            }
        }
        else if (held.ValueKind != computed.ValueKind || held.GetRawText() != computed.GetRawText())
        {
            findings.Add(Figure(file, path, Show(held), Show(computed)));
        }
    }

    private static BundleFinding Figure(string file, string path, string held, string computed) =>
        new(file, 0, 0, FigureMismatch, $"{path}: bundled {held}, recomputed {computed}");

    private static string Show(JsonElement e)
    {
        var text = e.ValueKind switch
        {
            JsonValueKind.String => e.GetString() ?? "",
            JsonValueKind.Object or JsonValueKind.Array => e.GetRawText().ReplaceLineEndings(" "),
            _ => e.GetRawText(),
        };
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
