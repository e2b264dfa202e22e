using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.Hardware.Profiles;

namespace EdgeAgent.Hardware.Tests.Profiles;

/// <summary>The schema files editors use list the same words as the loader: kinds, chips per kind, classes, ops, stats, severities, subsystems, actions, models.</summary>
public sealed class SchemaAgreementTests
{
    private static readonly JsonObject Product = Read("product.schema.json");
    private static readonly JsonObject Board = Read("board.schema.json");

    public static TheoryData<string, string[]> ProductEnums => new()
    {
        { "kind", [.. ProfileVocabulary.Kinds.Select(k => k.Name)] },
        { "chip", [.. ProfileVocabulary.Chips] },
        { "class", [.. ProfileVocabulary.Classes] },
        { "op", [.. ProfileVocabulary.Ops] },
        { "stat", [.. ProfileVocabulary.Stats] },
        { "severity", [.. ProfileVocabulary.Severities] },
        { "subsystem", [.. ProfileVocabulary.Subsystems] },
        { "action", [.. ProfileVocabulary.Actions] },
        { "model", [.. ProfileVocabulary.ModelNames] },
        { "baud", [.. ProfileVocabulary.BaudRates.Select(b => b.ToString(CultureInfo.InvariantCulture))] },
    };

    [Theory]
    [MemberData(nameof(ProductEnums))]
    public void ProductSchema_Enum_IsTheLoadersSet(string name, string[] code)
    {
        Assert.Equal(code.Order(StringComparer.Ordinal), Enum(Product, name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BoardSchema_Arch_IsTheLoadersSet()
    {
        Assert.Equal(ProfileVocabulary.Archs, Enum(Board, "arch"));
    }

    [Fact]
    public void ProductSchema_ChipsOfEachKind_AreTheLoaders()
    {
        var rules = Product["$defs"]!["sensor"]!["allOf"]!.AsArray();
        var byKind = rules
            .Where(r => r!["if"]!["properties"]!["kind"] is not null)
            .ToDictionary(r => (string)r!["if"]!["properties"]!["kind"]!["const"]!, r => r!["then"]!["properties"]!["chip"]!["enum"]!.AsArray().Select(c => (string)c!).ToArray());

        Assert.Equal(ProfileVocabulary.Kinds.Select(k => k.Name).Order(StringComparer.Ordinal), byKind.Keys.Order(StringComparer.Ordinal));
        foreach (var kind in ProfileVocabulary.Kinds)
        {
            Assert.Equal(kind.Chips, byKind[kind.Name]);
        }
    }

    [Fact]
    public void ProductSchema_SettingsOfEachChip_AreTheLoaders()
    {
        var rules = Product["$defs"]!["sensor"]!["allOf"]!.AsArray();
        var byChip = rules
            .Where(r => r!["if"]!["properties"]!["chip"] is not null)
            .ToDictionary(r => (string)r!["if"]!["properties"]!["chip"]!["const"]!, r => r!["then"]!["properties"]!["settings"]!["properties"]!.AsObject().Select(p => p.Key).ToArray());

        Assert.Equal(ProfileVocabulary.Chips.Order(StringComparer.Ordinal), byChip.Keys.Order(StringComparer.Ordinal));
        foreach (var chip in ProfileVocabulary.Chips)
        {
            var code = ProfileVocabulary.ChipSettings.GetValueOrDefault(chip)?.Select(s => s.Name) ?? [];
            Assert.Equal(code, byChip[chip]);
        }
    }

    [Fact]
    public void ProductSchema_BuiltInFaultCodes_AreRefused()
    {
        var refused = Product["$defs"]!["fault"]!["properties"]!["code"]!["not"]!["enum"]!.AsArray().Select(c => (string)c!);

        Assert.Equal(ProfileVocabulary.BuiltInFaults, refused);
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public void ProductSchema_AddressPatternOfEachChip_AcceptsExactlyTheLoadersAddresses(string chip)
    {
        var rule = Product["$defs"]!["sensor"]!["allOf"]!.AsArray()
            .Single(r => (string?)r!["if"]!["properties"]!["chip"]?["const"] == chip);
        var pattern = new System.Text.RegularExpressions.Regex((string)rule!["then"]!["properties"]!["address"]!["pattern"]!);
        var general = new System.Text.RegularExpressions.Regex((string)Product["$defs"]!["address"]!["pattern"]!);

        var schema = Enumerable.Range(0, 128).Where(a => Accepts(a, pattern) && Accepts(a, general));

        Assert.Equal(ProfileVocabulary.ChipAddresses[chip], schema);

        static bool Accepts(int address, System.Text.RegularExpressions.Regex regex) =>
            regex.IsMatch(string.Create(CultureInfo.InvariantCulture, $"0x{address:x2}")) && regex.IsMatch(string.Create(CultureInfo.InvariantCulture, $"0x{address:X2}"));
    }

    public static TheoryData<string> Addresses => [.. ProfileVocabulary.ChipAddresses.Keys];

    private static IEnumerable<string> Enum(JsonObject schema, string name) =>
        schema["$defs"]![name]!["enum"]!.AsArray().Select(v => v!.ToString());

    private static JsonObject Read(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ProfileWorkspace.HardwareDirectory, "schema", file)))!.AsObject();
}
