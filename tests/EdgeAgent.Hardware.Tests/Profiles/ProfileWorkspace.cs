using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.TestKit.IO;
using Json.Schema;

namespace EdgeAgent.Hardware.Tests.Profiles;

/// <summary>
/// A copy of the repository's <c>hardware/</c> (boards, products, schema) in a temp directory, for tests that mutate a
/// shipped profile; and the schema files, for validating a profile the way an editor does.
/// </summary>
internal sealed class ProfileWorkspace : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ProfileWorkspace()
    {
        foreach (var folder in new[] { "boards", "products", "schema" })
        {
            Directory.CreateDirectory(_dir.Combine(folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(HardwareDirectory, folder), "*.json"))
            {
                File.Copy(file, _dir.Combine(folder, Path.GetFileName(file)));
            }
        }
    }

    /// <summary>The repository's <c>hardware/</c>.</summary>
    public static string HardwareDirectory => RepositoryRoot.Combine("hardware");

    public static IReadOnlyList<string> ShippedBoards => Ids("boards");

    public static IReadOnlyList<string> ShippedProducts => Ids("products");

    public static JsonSchema BoardSchema => Schemas.Value.Board;

    public static JsonSchema ProductSchema => Schemas.Value.Product;

    private static readonly Lazy<(JsonSchema Board, JsonSchema Product)> Schemas = new(() =>
        (JsonSchema.FromFile(Path.Combine(HardwareDirectory, "schema", "board.schema.json")),
         JsonSchema.FromFile(Path.Combine(HardwareDirectory, "schema", "product.schema.json"))));

    public string Root => _dir.Path;

    public ProfileCatalog Catalog => new(_dir.Path);

    /// <summary>Full path of a file in the copy, e.g. <c>products/drone.json</c>.</summary>
    public string PathOf(string relative) => _dir.Combine(relative.Split('/'));

    /// <summary>Rewrites a profile of the copy after <paramref name="mutate"/> has changed it.</summary>
    public string Mutate(string relative, Action<JsonObject> mutate)
    {
        var path = PathOf(relative);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        mutate(node);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The schema's verdict on a file: null when valid, else the errors it lists.</summary>
    public static string? SchemaErrors(string path)
    {
        var schema = Path.GetFileName(Path.GetDirectoryName(path)) == "boards" ? BoardSchema : ProductSchema;
        var result = schema.Evaluate(JsonNode.Parse(File.ReadAllText(path)), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        return string.Join(Environment.NewLine, errors);
    }

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<string> Ids(string folder) =>
        [.. System.IO.Directory.EnumerateFiles(Path.Combine(HardwareDirectory, folder), "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];
}
