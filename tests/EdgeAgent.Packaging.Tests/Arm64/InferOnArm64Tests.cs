using System.Globalization;
using EdgeAgent.TestKit.Catalog;
using EdgeAgent.TestKit.IO;
using Xunit.Abstractions;

namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>
/// The published linux-arm64 agent under QEMU gives the x64 build's results: <c>edgeagent infer</c> on every catalog
/// model, compared field by field within the tolerances of <see cref="InferComparison"/>.
/// </summary>
[Trait("Category", Arm64Stage.Category)]
[Collection(nameof(Arm64Stage))]
public sealed class InferOnArm64Tests(SampleInputs inputs, ITestOutputHelper output) : IClassFixture<SampleInputs>
{
    /// <summary>
    /// What <c>infer --model NAME</c> runs, for each name infer takes: ppocr runs text detection (ppocr-det) and then
    /// recognition (ppocr-rec) on each line found, so one run covers both.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Families = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["silero-vad"] = ["silero-vad"],
        ["blazeface"] = ["blazeface"],
        ["ppocr"] = ["ppocr-det", "ppocr-rec"],
    };

    public static TheoryData<string> FamilyNames() => [.. Families.Keys];

    [Fact]
    public void Families_CoverEveryCatalogModel()
    {
        var compared = Families.Values.SelectMany(m => m).Order(StringComparer.Ordinal);
        var catalog = RealModels.Catalog.Models.Select(m => m.Name).Order(StringComparer.Ordinal);

        Assert.Equal(catalog, compared);
    }

    [SkippableTheory]
    [MemberData(nameof(FamilyNames))]
    public async Task Infer_SameInputOnArm64AndX64_SameResultsWithinTolerance(string family)
    {
        await Arm64Stage.SkipUnlessReadyAsync();
        var input = inputs.For(family);
        string[] arguments = ["infer", "--model", family, "--input", input, "--catalog", RepositoryRoot.Combine("models", "catalog.json")];

        var x64 = (await Arm64Stage.RunX64Async(arguments)).Succeeded();
        var arm64 = (await Arm64Stage.RunAsync(arguments)).Succeeded();

        var comparison = new InferComparison();
        comparison.Compare(family, x64.Output, arm64.Output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{family} on {Path.GetFileName(input)}: x64 {x64.Elapsed.TotalSeconds:F1} s, ARM64 under QEMU {arm64.Elapsed.TotalSeconds:F1} s"));
        foreach (var line in comparison.Table())
        {
            output.WriteLine(line);
        }

        output.WriteLine($"x64:   {x64.Output}");
        output.WriteLine($"ARM64: {arm64.Output}");
        Assert.True(comparison.Mismatches.Count == 0,
            $"{comparison.Mismatches.Count} ARM64 result(s) differ from x64 beyond tolerance:{Environment.NewLine}{string.Join(Environment.NewLine, comparison.Mismatches)}");
    }
}

/// <summary>The ARM64 tests run one after another: each QEMU run takes both cores of a small CI machine.</summary>
[CollectionDefinition(nameof(Arm64Stage))]
public sealed class Arm64StageOneAtATime;
