using System.Text.Json.Serialization;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// Source-generated (de)serialisation of the profiles: snake_case names as in the files; an unknown member is an error
/// here too (the loader's structure check has already reported it with the allowed names).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(BoardProfile))]
[JsonSerializable(typeof(ProductProfile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
