using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EdgeAgent.Firmware.Tests.Conformance;

/// <summary>
/// nanoFramework.CoreLibrary 1.17 declares a few generic delegates (Action&lt;T&gt;, Func&lt;T&gt;), so the conformance
/// build alone would let a generic through; the firmware keeps to the subset every nanoFramework runtime runs,
/// which has no generics. This rule reads the firmware's syntax trees for any generic declaration or use.
/// </summary>
public sealed class NoGenericsRuleTests
{
    [Fact]
    public void FirmwareSources_DeclareAndUseNoGenerics()
    {
        var findings = NanoFrameworkCompiler.FirmwareSources.SelectMany(Generics).ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Theory]
    [InlineData("internal sealed class Box<T> { }")]
    [InlineData("internal static class U { internal static void M<T>() { } }")]
    [InlineData("internal static class U { internal static System.Action<int> F = x => { }; }")]
    public void Rule_GenericSnippet_IsFound(string code)
    {
        var tree = NanoFrameworkCompiler.Parse(code, "Bad/Generic.cs");

        Assert.NotEmpty(Generics(tree));
        Assert.Empty(NanoFrameworkCompiler.AgainstNanoFramework([tree])); // which the compiler alone lets through
    }

    private static IEnumerable<string> Generics(SyntaxTree tree) => tree.GetRoot().DescendantNodes()
        .Where(n => n is TypeParameterListSyntax or GenericNameSyntax)
        .Select(n => $"{tree.FilePath}({n.GetLocation().GetLineSpan().StartLinePosition.Line + 1}): generic '{n}'");
}
