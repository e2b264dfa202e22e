using Microsoft.CodeAnalysis;

namespace EdgeAgent.Firmware.Tests.Conformance;

/// <summary>
/// The conformance build fails when firmware code uses what nanoFramework lacks. Shown here by compiling deliberately
/// bad snippets against the same mscorlib at the same language version (each must fail with the error named), and
/// the same snippet against .NET (each must compile: the failure is nanoFramework's, not a typo's); and by the
/// firmware's own sources compiling clean the same way.
/// </summary>
public sealed class ConformanceTests
{
    public static TheoryData<string, string, string> BadSnippets() => new()
    {
        { "List<T>", "var items = new System.Collections.Generic.List<int>(); items.Add(1);", "CS0234" },
        { "LINQ", "var n = System.Linq.Enumerable.Count(new[] { 1, 2 });", "CS0234" },
        { "LINQ query", "using System.Linq; var q = from x in new[] { 1, 2 } where x > 1 select x;", "CS0234" },
        { "Span<T>", "System.Span<byte> span = new byte[4]; span[0] = 1;", "CS0234" },
        { "async/await", "System.Func<System.Threading.Tasks.Task> f = async () => await System.Threading.Tasks.Task.Yield();", "CS0234" },
        { "Math", "var a = System.Math.Abs(-3);", "CS0234" },
        { "StringBuilder", "var sb = new System.Text.StringBuilder(); sb.Append('x');", "CS0234" },
        { "Encoding", "var bytes = System.Text.Encoding.UTF8.GetBytes(\"x\");", "CS0234" },
        { "tuple", "(int A, int B) pair = (1, 2); var sum = pair.A + pair.B;", "CS8179" },
        { "Queue (nanoFramework.System.Collections, not CoreLibrary)", "var q = new System.Collections.Queue(); q.Enqueue(1);", "CS0234" },
        { "Dictionary", "var d = new System.Collections.Generic.Dictionary<string, int>();", "CS0234" },
        { "Stopwatch", "var watch = System.Diagnostics.Stopwatch.StartNew();", "CS0234" },
    };

    [Fact]
    public void FirmwareSources_AgainstNanoFrameworkMscorlib_CompileWithoutErrors()
    {
        Assert.NotEmpty(NanoFrameworkCompiler.FirmwareSources);

        var errors = NanoFrameworkCompiler.AgainstNanoFramework(NanoFrameworkCompiler.FirmwareSources);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Theory]
    [MemberData(nameof(BadSnippets))]
    public void Snippet_UsingWhatNanoFrameworkLacks_FailsWithTheExpectedError(string what, string statement, string expectedError)
    {
        var snippet = NanoFrameworkCompiler.Parse(Wrap(statement), $"Bad/{what}.cs");

        var errors = NanoFrameworkCompiler.AgainstNanoFramework([snippet]);

        Assert.True(errors.Count > 0, $"{what} compiled against nanoFramework's mscorlib");
        Assert.Contains(expectedError, errors.Select(e => e.Id));
        Assert.All(errors, e => Assert.Equal($"Bad/{what}.cs", e.Location.SourceTree?.FilePath));
    }

    [Theory]
    [MemberData(nameof(BadSnippets))]
    public void Snippet_AgainstDotNet_Compiles(string what, string statement, string expectedError)
    {
        _ = expectedError;
        var snippet = NanoFrameworkCompiler.Parse(Wrap(statement), $"Bad/{what}.cs");

        var errors = NanoFrameworkCompiler.AgainstDotNet(snippet);

        Assert.True(errors.Count == 0, $"{what} is not valid C# even on .NET: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Compiler_UsesTheConformanceProjectsLanguageVersion() =>
        Assert.Equal(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp9, NanoFrameworkCompiler.LanguageVersion);

    // A snippet may start with one using directive, which goes above the namespace.
    private static string Wrap(string snippet)
    {
        var (usingDirective, statement) = snippet.StartsWith("using ", StringComparison.Ordinal)
            ? (snippet[..(snippet.IndexOf(';', StringComparison.Ordinal) + 1)], snippet[(snippet.IndexOf(';', StringComparison.Ordinal) + 1)..])
            : ("", snippet);
        return $$"""
        {{usingDirective}}
        namespace Bad
        {
            internal static class Snippet
            {
                internal static void Use()
                {
                    {{statement}}
                }
            }
        }
        """;
    }
}
