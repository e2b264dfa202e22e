using System.Reflection;
using System.Runtime.CompilerServices;

namespace EdgeAgent.Architecture.Tests;

public sealed class TypeConventionTests
{
    /// <summary>Every assembly built from src/, found by name beside the tests.</summary>
    public static TheoryData<string> SourceAssemblies() =>
    [
        "EdgeAgent.Contracts", "EdgeAgent.Core", "EdgeAgent.Inference.Onnx", "EdgeAgent.Hardware",
        "EdgeAgent.Mqtt", "EdgeAgent.Storage", "edgeagent", "edgehub",
    ];

    [Theory]
    [MemberData(nameof(SourceAssemblies))]
    public void Classes_NotDesignedForInheritance_AreSealed(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var types = assembly.GetTypes();
        var baseTypes = types.Select(t => t.BaseType).OfType<Type>().ToHashSet();

        var unsealed = types
            .Where(t => t.IsClass && !t.IsAbstract && !t.IsSealed && !baseTypes.Contains(t))
            .Where(t => !IsGenerated(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(unsealed.Count == 0, $"{assemblyName}: seal these classes (house style: internal sealed by default): {string.Join(", ", unsealed)}");
    }

    private static bool IsGenerated(Type t) =>
        t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) ||
        t.Namespace?.StartsWith("System.Text.RegularExpressions.Generated", StringComparison.Ordinal) == true ||
        t.Name.StartsWith('<') ||
        t.GetMethod("<Main>$", BindingFlags.NonPublic | BindingFlags.Static) is not null || // top-level statements' Program

        (t.DeclaringType is { } outer && IsGenerated(outer));
}
