using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeAgent.Contracts.Catalog;

/// <summary>
/// Reads and validates <c>catalog.json</c>. Every problem is reported with the file, the JSON path of the
/// field and the allowed values, so a device maker can fix the file without reading this code.
/// </summary>
public static partial class CatalogReader
{
    /// <summary>The tasks a catalog entry may declare.</summary>
    public static readonly IReadOnlyList<string> Tasks =
        ["voice-activity", "face-detection", "text-detection", "text-recognition", "test"];

    /// <summary>ONNX element types, in the spelling the catalog uses.</summary>
    public static readonly IReadOnlyList<string> ElementTypes =
        ["float32", "float16", "bfloat16", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool", "string"];

    public static ModelCatalog Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogException(path, "(file)", $"cannot be read: {e.Message}", e);
        }

        var catalog = Parse(json, path);
        LoadSelfTests(catalog, path);
        return catalog;
    }

    /// <summary>Reads a self-test vector file and checks it against its model's signature.</summary>
    public static SelfTestVector LoadSelfTest(string path, ModelEntry entry)
    {
        SelfTestVector? vector;
        try
        {
            vector = JsonSerializer.Deserialize(File.ReadAllText(path), CatalogJsonContext.Default.SelfTestVector);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogException(path, "(file)", $"cannot be read (self-test of model '{entry.Name}'): {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new CatalogException(path, e.Path is { Length: > 0 } p ? p : "(document)", $"is not a valid self-test vector: {e.Message}", e);
        }

        if (vector is null)
        {
            throw new CatalogException(path, "(document)", "is empty; expected an object with \"inputs\", \"expected\" and \"tolerance\"");
        }

        ValidateSelfTest(vector, entry, path);
        return vector;
    }

    public static string SerializeSelfTest(SelfTestVector vector) =>
        JsonSerializer.Serialize(vector, CatalogJsonContext.Default.SelfTestVector);

    private static void LoadSelfTests(ModelCatalog catalog, string catalogPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(catalogPath))!;
        foreach (var entry in catalog.Models.Where(m => m.SelfTestFile is not null))
        {
            entry.SelfTest = LoadSelfTest(Path.Combine(dir, entry.SelfTestFile!), entry);
        }
    }

    private static void ValidateSelfTest(SelfTestVector vector, ModelEntry entry, string file)
    {
        foreach (var spec in entry.Inputs)
        {
            if (!vector.Inputs.TryGetValue(spec.Name, out var input))
            {
                throw new CatalogException(file, $"$.inputs", $"has no input '{spec.Name}'; model '{entry.Name}' takes {string.Join(", ", entry.Inputs.Select(i => i.Name))}");
            }

            var at = $"$.inputs['{spec.Name}']";
            var fits = input.Shape.Count == spec.Shape.Count && input.Shape.Select((d, i) => d > 0 && (spec.Shape[i] < 0 || spec.Shape[i] == d)).All(x => x);
            if (!fits)
            {
                throw new CatalogException(file, $"{at}.shape", $"[{string.Join(',', input.Shape)}] does not fit the catalog's {spec}");
            }

            if (!SelfTestInput.FillKinds.Contains(input.Fill, StringComparer.Ordinal))
            {
                throw new CatalogException(file, $"{at}.fill", $"'{input.Fill}' is not a fill; allowed: {string.Join(", ", SelfTestInput.FillKinds)}");
            }

            if (input.Fill == "values" && input.Values.Count == 0)
            {
                throw new CatalogException(file, $"{at}.values", "is empty; a 'values' fill needs at least one value");
            }
        }

        foreach (var extra in vector.Inputs.Keys.Where(k => entry.Inputs.All(i => i.Name != k)))
        {
            throw new CatalogException(file, $"$.inputs['{extra}']", $"is not an input of model '{entry.Name}'");
        }

        foreach (var name in vector.Expected.Keys.Where(k => entry.Outputs.All(o => o.Name != k)))
        {
            throw new CatalogException(file, $"$.expected['{name}']", $"is not an output of model '{entry.Name}'; it gives {string.Join(", ", entry.Outputs.Select(o => o.Name))}");
        }

        if (vector.Tolerance.Absolute < 0 || vector.Tolerance.Relative < 0)
        {
            throw new CatalogException(file, "$.tolerance", "must not be negative");
        }
    }

    public static ModelCatalog Parse(string json, string file)
    {
        ModelCatalog? catalog;
        try
        {
            catalog = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.ModelCatalog);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } p ? p : "(document)";
            var line = e.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" (line {l + 1})") : "";
            throw new CatalogException(file, where, $"is not valid catalog JSON{line}: {e.Message}", e);
        }

        if (catalog is null)
        {
            throw new CatalogException(file, "(document)", "is empty; expected an object with \"schema\" and \"models\"");
        }

        Validate(catalog, file);
        return catalog;
    }

    public static string Serialize(ModelCatalog catalog) =>
        JsonSerializer.Serialize(catalog, CatalogJsonContext.Default.ModelCatalog);

    private static void Validate(ModelCatalog catalog, string file)
    {
        if (catalog.Schema != ModelCatalog.CurrentSchema)
        {
            throw new CatalogException(file, "$.schema", $"is {catalog.Schema}; this build reads schema {ModelCatalog.CurrentSchema}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < catalog.Models.Count; i++)
        {
            var m = catalog.Models[i];
            var at = $"$.models[{i}]";
            if (!NamePattern().IsMatch(m.Name))
            {
                throw new CatalogException(file, $"{at}.name", $"'{m.Name}' is not a model name; use lower-case letters, digits and '-' (for example 'silero-vad')");
            }

            if (!names.Add(m.Name))
            {
                throw new CatalogException(file, $"{at}.name", $"'{m.Name}' appears twice; model names are unique");
            }

            if (!Tasks.Contains(m.Task, StringComparer.Ordinal))
            {
                throw new CatalogException(file, $"{at}.task", $"'{m.Task}' is not a task; allowed: {string.Join(", ", Tasks)}");
            }

            if (string.IsNullOrWhiteSpace(m.License))
            {
                throw new CatalogException(file, $"{at}.license", "is missing; give the SPDX id of the model's licence");
            }

            ValidateSource(m.Source, file, $"{at}.source");
            ValidateSha(m.Sha256, file, $"{at}.sha256");
            ValidateTensors(m.Inputs, file, $"{at}.inputs");
            ValidateTensors(m.Outputs, file, $"{at}.outputs");
            for (var a = 0; a < m.Assets.Count; a++)
            {
                var asset = m.Assets[a];
                var aat = $"{at}.assets[{a}]";
                if (string.IsNullOrWhiteSpace(asset.Name))
                {
                    throw new CatalogException(file, $"{aat}.name", "is missing");
                }

                ValidatePackagePath(asset.Path, file, $"{aat}.path");
                ValidateSha(asset.Sha256, file, $"{aat}.sha256");
            }
        }
    }

    private static void ValidateSource(PackageSource s, string file, string at)
    {
        if (!PackagePattern().IsMatch(s.Npm))
        {
            throw new CatalogException(file, $"{at}.npm", $"'{s.Npm}' is not an npm package name (for example '@ricky0123/vad-web')");
        }

        if (!ExactVersionPattern().IsMatch(s.Version))
        {
            throw new CatalogException(file, $"{at}.version", $"'{s.Version}' is not an exact version; pin one like '1.2.0' (no ranges, tags or 'latest')");
        }

        ValidatePackagePath(s.Path, file, $"{at}.path");
    }

    private static void ValidatePackagePath(string path, string file, string at)
    {
        if (string.IsNullOrWhiteSpace(path) || path.StartsWith('/') || path.Split('/').Any(p => p is ".." or "." or ""))
        {
            throw new CatalogException(file, at, $"'{path}' is not a relative path inside the package (like 'dist/model.onnx')");
        }
    }

    private static void ValidateSha(string sha, string file, string at)
    {
        if (!ShaPattern().IsMatch(sha))
        {
            throw new CatalogException(file, at, $"'{sha}' is not a SHA-256; expected 64 lower-case hex digits");
        }
    }

    private static void ValidateTensors(IReadOnlyList<TensorSpec> tensors, string file, string at)
    {
        if (tensors.Count == 0)
        {
            throw new CatalogException(file, at, "is empty; list every tensor with name, type and shape");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < tensors.Count; t++)
        {
            var spec = tensors[t];
            var tat = $"{at}[{t}]";
            if (string.IsNullOrEmpty(spec.Name) || !names.Add(spec.Name))
            {
                throw new CatalogException(file, $"{tat}.name", $"'{spec.Name}' is missing or repeated");
            }

            if (!ElementTypes.Contains(spec.Type, StringComparer.Ordinal))
            {
                throw new CatalogException(file, $"{tat}.type", $"'{spec.Type}' is not an element type; allowed: {string.Join(", ", ElementTypes)}");
            }

            for (var d = 0; d < spec.Shape.Count; d++)
            {
                if (spec.Shape[d] is 0 or < -1)
                {
                    throw new CatalogException(file, $"{tat}.shape[{d}]", $"is {spec.Shape[d]}; a dimension is a positive size or -1 for a free one");
                }
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")]
    private static partial Regex PackagePattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex ExactVersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();
}
