using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Releases;

/// <summary>Source-generated JSON for releases and directives; unknown fields are errors so a typo never passes silently.</summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReleaseManifest))]
[JsonSerializable(typeof(SignedRelease))]
[JsonSerializable(typeof(ModelDirective))]
internal sealed partial class ReleaseJsonContext : JsonSerializerContext;
