using System.Text.Json;
using System.Xml.Linq;

namespace EdgeAgent.Architecture.Tests;

/// <summary>One project as the dependency rule sees it: what it references directly, and every package it ends up with.</summary>
internal sealed record ProjectNode(string Name, IReadOnlySet<string> ProjectReferences, IReadOnlySet<string> Packages);

/// <summary>
/// The projects under <c>src/</c> with their project references (from the .csproj) and their packages, direct
/// (from the .csproj) and transitive (from <c>obj/project.assets.json</c> when the project has been restored).
/// </summary>
internal sealed class ProjectGraph
{
    public ProjectGraph(IEnumerable<ProjectNode> nodes) =>
        Nodes = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ProjectNode> Nodes { get; }

    public static ProjectGraph Load(string repositoryRoot)
    {
        var nodes = new List<ProjectNode>();
        foreach (var csproj in Directory.GetFiles(Path.Combine(repositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var doc = XDocument.Load(csproj);
            var projects = doc.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
                .ToHashSet(StringComparer.Ordinal);
            var packages = doc.Descendants("PackageReference")
                .Select(e => (string?)e.Attribute("Include") ?? "")
                .Concat(RestoredPackages(Path.Combine(Path.GetDirectoryName(csproj)!, "obj", "project.assets.json")))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            nodes.Add(new ProjectNode(Path.GetFileNameWithoutExtension(csproj), projects, packages));
        }

        return new ProjectGraph(nodes);
    }

    /// <summary>Every project <paramref name="name"/> reaches through project references, not counting itself.</summary>
    public IReadOnlySet<string> ProjectClosure(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(Nodes.TryGetValue(name, out var n) ? n.ProjectReferences : []);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next) && Nodes.TryGetValue(next, out var node))
            {
                foreach (var r in node.ProjectReferences)
                {
                    pending.Push(r);
                }
            }
        }

        return seen;
    }

    /// <summary>Every package <paramref name="name"/> ends up with, its own and those of the projects it reaches.</summary>
    public IReadOnlySet<string> PackageClosure(string name) =>
        ProjectClosure(name).Append(name)
            .SelectMany(p => Nodes.TryGetValue(p, out var node) ? node.Packages : Enumerable.Empty<string>())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static List<string> RestoredPackages(string assetsFile)
    {
        if (!File.Exists(assetsFile))
        {
            return [];
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(assetsFile));
        if (!doc.RootElement.TryGetProperty("libraries", out var libraries))
        {
            return [];
        }

        // Keys look like "MQTTnet/5.2.0.1603"; project entries have "type": "project".
        return libraries.EnumerateObject()
            .Where(l => l.Value.TryGetProperty("type", out var t) && t.GetString() == "package")
            .Select(l => l.Name.Split('/')[0])
            .ToList();
    }
}
