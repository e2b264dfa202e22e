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

        return Parse(json, path);
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
