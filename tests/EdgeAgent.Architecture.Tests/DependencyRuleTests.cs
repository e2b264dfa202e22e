using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Architecture.Tests;

public sealed class DependencyRuleTests
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    [Fact]
    public void Check_ThisRepository_HasNoViolations()
    {
        var graph = ProjectGraph.Load(RepositoryRoot.Path);

        Assert.Contains(DependencyRule.Core, graph.Nodes.Keys);
        Assert.Contains(DependencyRule.Contracts, graph.Nodes.Keys);
        Assert.Empty(DependencyRule.Check(graph));
    }

    [Fact]
    public void Load_ThisRepository_SeesTransitivePackagesFromRestore()
    {
        var graph = ProjectGraph.Load(RepositoryRoot.Path);

        // Device never names MQTTnet itself; it arrives through EdgeAgent.Mqtt. The rule must see that far.
        Assert.Contains("MQTTnet", graph.PackageClosure("EdgeAgent.Device"));
        Assert.Contains("Microsoft.ML.OnnxRuntime", graph.Nodes["EdgeAgent.Inference.Onnx"].Packages);
    }

    [Theory]
    [InlineData("Microsoft.ML.OnnxRuntime")]
    [InlineData("MQTTnet")]
    [InlineData("System.Device.Gpio")]
    [InlineData("Iot.Device.Bindings")]
    [InlineData("Microsoft.Data.Sqlite")]
    [InlineData("SQLitePCLRaw.bundle_e_sqlite3")]
    public void Check_CoreReferencingForbiddenPackage_IsReported(string package)
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts], [package]));

        var violation = Assert.Single(DependencyRule.Check(graph));
        Assert.Contains($"EdgeAgent.Core must not reference {package}", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ContractsReferencingForbiddenPackage_IsReported()
    {
        var graph = Graph(Node(DependencyRule.Contracts, [], ["MQTTnet"]));

        var violations = DependencyRule.Check(graph);

        Assert.Contains(violations, v => v.Contains("EdgeAgent.Contracts must not reference MQTTnet", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_CoreReachingSqliteThroughAnAdapter_IsReported()
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts, "EdgeAgent.Storage"]),
            Node("EdgeAgent.Storage", [DependencyRule.Core], ["Microsoft.Data.Sqlite", "SQLitePCLRaw.core"]));

        var violations = DependencyRule.Check(graph);

        Assert.Contains("EdgeAgent.Core must not reference Microsoft.Data.Sqlite (directly or through another project): it holds pure logic only", violations);
        Assert.Contains("EdgeAgent.Core must not reference EdgeAgent.Storage: it may depend on EdgeAgent.Contracts only", violations);
    }

    [Fact]
    public void Check_AdapterReferencingAnotherAdapter_IsReported()
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts]),
            Node("EdgeAgent.Mqtt", [DependencyRule.Core, "EdgeAgent.Storage"], ["MQTTnet"]),
            Node("EdgeAgent.Storage", [DependencyRule.Core], ["Microsoft.Data.Sqlite"]));

        var violation = Assert.Single(DependencyRule.Check(graph));
        Assert.StartsWith("EdgeAgent.Mqtt must not reference EdgeAgent.Storage", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LibraryReferencingTheDeviceProgram_IsReported()
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts]),
            Node("EdgeAgent.Hardware", [DependencyRule.Core, "EdgeAgent.Device"]),
            Node("EdgeAgent.Device", [DependencyRule.Core]));

        var violation = Assert.Single(DependencyRule.Check(graph));
        Assert.StartsWith("EdgeAgent.Hardware must not reference EdgeAgent.Device", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SimulatorReferencingTheHubProgram_IsReported()
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts]),
            Node("EdgeAgent.Mqtt", [DependencyRule.Core]),
            Node("EdgeAgent.Hub", [DependencyRule.Contracts]),
            Node("EdgeAgent.Sim", [DependencyRule.Core, "EdgeAgent.Mqtt", "EdgeAgent.Hub"]));

        var violation = Assert.Single(DependencyRule.Check(graph));
        Assert.StartsWith("EdgeAgent.Sim must not reference EdgeAgent.Hub", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HubReferencingCore_IsReported()
    {
        var graph = Graph(
            Node(DependencyRule.Contracts),
            Node(DependencyRule.Core, [DependencyRule.Contracts]),
            Node("EdgeAgent.Hub", [DependencyRule.Contracts, DependencyRule.Core]));

        var violation = Assert.Single(DependencyRule.Check(graph));
        Assert.StartsWith("EdgeAgent.Hub must not reference EdgeAgent.Core", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeliberatelyBadProjectFiles_AreCaughtByTheRule()
    {
        // A small repository on disk whose Core project file names MQTTnet and whose Storage adapter references the
        // Mqtt adapter: the loader must read both from the .csproj files and the rule must name both.
        var root = Directory.CreateTempSubdirectory("edgeagent-arch-");
        try
        {
            WriteProject(root.FullName, DependencyRule.Contracts, "");
            WriteProject(root.FullName, DependencyRule.Core, """
                <ProjectReference Include="..\EdgeAgent.Contracts\EdgeAgent.Contracts.csproj" />
                <PackageReference Include="MQTTnet" />
                """);
            WriteProject(root.FullName, "EdgeAgent.Mqtt", """<ProjectReference Include="../EdgeAgent.Core/EdgeAgent.Core.csproj" />""");
            WriteProject(root.FullName, "EdgeAgent.Storage", """
                <ProjectReference Include="../EdgeAgent.Core/EdgeAgent.Core.csproj" />
                <ProjectReference Include="../EdgeAgent.Mqtt/EdgeAgent.Mqtt.csproj" />
                """);

            var violations = DependencyRule.Check(ProjectGraph.Load(root.FullName));

            Assert.Equal(2, violations.Count);
            Assert.Contains(violations, v => v.StartsWith("EdgeAgent.Core must not reference MQTTnet", StringComparison.Ordinal));
            Assert.Contains(violations, v => v.StartsWith("EdgeAgent.Storage must not reference EdgeAgent.Mqtt", StringComparison.Ordinal));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static void WriteProject(string root, string name, string items)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "src", name));
        File.WriteAllText(Path.Combine(dir.FullName, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                {items}
              </ItemGroup>
            </Project>
            """);
    }

    private static ProjectGraph Graph(params ProjectNode[] nodes) => new(nodes);

    private static ProjectNode Node(string name, string[]? projects = null, string[]? packages = null) =>
        new(name, projects?.ToHashSet() ?? None, packages?.ToHashSet(StringComparer.OrdinalIgnoreCase) ?? None);
}
