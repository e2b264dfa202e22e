namespace EdgeAgent.Architecture.Tests;

/// <summary>
/// The one-way dependency rule of ARCHITECTURE.md: <c>Contracts &lt;- Core &lt;- {adapters} &lt;- Device</c>,
/// <c>Contracts &lt;- Hub</c>. Returns one sentence per violation, naming the project and what it must not reach.
/// </summary>
internal static class DependencyRule
{
    public const string Contracts = "EdgeAgent.Contracts";
    public const string Core = "EdgeAgent.Core";

    /// <summary>Projects that wrap one native or I/O library each and must not know about one another.</summary>
    public static readonly IReadOnlyList<string> Adapters =
        ["EdgeAgent.Inference.Onnx", "EdgeAgent.Media", "EdgeAgent.Hardware", "EdgeAgent.Mqtt", "EdgeAgent.Storage"];

    /// <summary>
    /// Programs; nothing may reference them. EdgeAgent.Sim (<c>edgesim</c>, the fleet simulator) composes Core and the
    /// device adapters like EdgeAgent.Device does, and so may reach the adapters but never the hub or the agent.
    /// </summary>
    public static readonly IReadOnlyList<string> CompositionRoots = ["EdgeAgent.Device", "EdgeAgent.Hub", "EdgeAgent.Sim"];

    /// <summary>Package name prefixes that pull in native code or I/O and so are kept out of Contracts and Core.</summary>
    public static readonly IReadOnlyList<string> ForbiddenInPureCode =
        ["Microsoft.ML.OnnxRuntime", "MQTTnet", "System.Device.Gpio", "Iot.Device.Bindings", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "Npgsql", "UnitsNet", "SkiaSharp", "NAudio"];

    /// <summary>Build-time only packages any project may carry (analyzers ship nothing at run time).</summary>
    public static readonly IReadOnlyList<string> BuildOnlyPackages = ["Microsoft.CodeAnalysis.BannedApiAnalyzers"];

    public static IReadOnlyList<string> Check(ProjectGraph graph)
    {
        var violations = new List<string>();
        foreach (var pure in new[] { Contracts, Core })
        {
            if (!graph.Nodes.ContainsKey(pure))
            {
                continue;
            }

            foreach (var package in graph.PackageClosure(pure).Where(IsForbiddenInPureCode).Order(StringComparer.Ordinal))
            {
                violations.Add($"{pure} must not reference {package} (directly or through another project): it holds pure logic only");
            }
        }

        if (graph.Nodes.TryGetValue(Contracts, out var contracts))
        {
            violations.AddRange(contracts.ProjectReferences.Select(r => $"{Contracts} must not reference {r}: it is BCL only and depends on nothing"));
            violations.AddRange(contracts.Packages.Where(p => !BuildOnlyPackages.Contains(p, StringComparer.OrdinalIgnoreCase))
                .Select(p => $"{Contracts} must not reference package {p}: it is BCL only"));
        }

        if (graph.Nodes.TryGetValue(Core, out var core))
        {
            violations.AddRange(core.ProjectReferences.Where(r => r != Contracts)
                .Select(r => $"{Core} must not reference {r}: it may depend on {Contracts} only"));
        }

        foreach (var adapter in Adapters.Where(graph.Nodes.ContainsKey))
        {
            violations.AddRange(graph.ProjectClosure(adapter).Where(r => Adapters.Contains(r) && r != adapter)
                .Select(r => $"{adapter} must not reference {r}: adapters never reference each other; compose them in EdgeAgent.Device"));
        }

        foreach (var node in graph.Nodes.Values)
        {
            violations.AddRange(node.ProjectReferences.Where(CompositionRoots.Contains)
                .Select(r => $"{node.Name} must not reference {r}: it is a program (composition root), not a library"));
        }

        if (graph.Nodes.ContainsKey("EdgeAgent.Hub"))
        {
            violations.AddRange(graph.ProjectClosure("EdgeAgent.Hub").Where(r => r == Core || Adapters.Contains(r))
                .Select(r => $"EdgeAgent.Hub must not reference {r}: the hub shares only {Contracts} with the device"));
        }

        return violations;
    }

    private static bool IsForbiddenInPureCode(string package) =>
        ForbiddenInPureCode.Any(f => package.Equals(f, StringComparison.OrdinalIgnoreCase) ||
                                     package.StartsWith(f + ".", StringComparison.OrdinalIgnoreCase));
}
