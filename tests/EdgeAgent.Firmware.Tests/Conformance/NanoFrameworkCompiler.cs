using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeAgent.Firmware.Tests.Conformance;

/// <summary>
/// Compiles C# the way the conformance build does (firmware/Conformance/EdgeAgent.Firmware.Conformance.csproj):
/// the firmware's shared sources, copied beside the tests from the same item list, against nanoFramework.CoreLibrary's
/// mscorlib.dll and nothing else, at the project's language version. Or, as a control, against this runtime's
/// own assemblies, to show a snippet is valid C# that only nanoFramework refuses.
/// </summary>
internal static class NanoFrameworkCompiler
{
    private static readonly string Here = AppContext.BaseDirectory;

    public static string MscorlibPath { get; } = Path.Combine(Here, "nanoFramework", "mscorlib.dll");

    public static LanguageVersion LanguageVersion { get; } = ReadLanguageVersion();

    private static readonly MetadataReference[] NanoFrameworkReferences = [MetadataReference.CreateFromFile(MscorlibPath)];

    private static readonly Lazy<List<MetadataReference>> DotNetReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    public static IReadOnlyList<SyntaxTree> FirmwareSources { get; } = Directory
        .GetFiles(Path.Combine(Here, "FirmwareSources"), "*.cs", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(f => Parse(File.ReadAllText(f), f))
        .ToList();

    public static SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion), path);

    /// <summary>Errors of <paramref name="trees"/> against nanoFramework's mscorlib (and nothing else).</summary>
    public static IReadOnlyList<Diagnostic> AgainstNanoFramework(IEnumerable<SyntaxTree> trees) =>
        Errors(trees, NanoFrameworkReferences);

    /// <summary>Errors of <paramref name="trees"/> alone against the .NET this test runs on.</summary>
    public static IReadOnlyList<Diagnostic> AgainstDotNet(params SyntaxTree[] trees) =>
        Errors(trees, DotNetReferences.Value);

    private static List<Diagnostic> Errors(IEnumerable<SyntaxTree> trees, IReadOnlyList<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            "EdgeAgent.Firmware.Conformance",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        return result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    private static LanguageVersion ReadLanguageVersion()
    {
        var project = XDocument.Load(Path.Combine(Here, "nanoFramework", "EdgeAgent.Firmware.Conformance.csproj"));
        var text = project.Descendants("LangVersion").Single().Value;
        return LanguageVersionFacts.TryParse(text, out var version) ? version : throw new InvalidOperationException($"LangVersion {text}?");
    }
}
