using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Catalog;

/// <summary>Source-generated JSON for the catalog; unknown fields are errors so a typo never passes silently.</summary>
[JsonSourceGenerationOptions(
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    RespectNullableAnnotations = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(ModelCatalog))]
[JsonSerializable(typeof(SelfTestVector))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
