using System.Reflection;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Packaging.Tests;

/// <summary>
/// Where the build puts what ships (artifacts/publish/{rid}/{app}/, artifacts/packages/*.deb) and the x64 builds the
/// tests compare against. The Test target makes them first; a missing one is a build problem, named as such.
/// </summary>
internal static class Shipped
{
    public static string PublishDirectory(string runtime, string app) => RepositoryRoot.Combine("artifacts", "publish", runtime, app);

    public static string PackagesDirectory => RepositoryRoot.Combine("artifacts", "packages");

    /// <summary>The version the packages carry: Directory.Build.props' &lt;Version&gt;.</summary>
    public static string Version =>
        System.Xml.Linq.XDocument.Load(RepositoryRoot.Combine("Directory.Build.props")).Descendants("Version").First().Value.Trim();

    /// <summary>artifacts/packages/{package}_{version}_{arch}.deb, which the build (PackageAmd64, run by Test) makes.</summary>
    public static string Deb(string package, string arch = "amd64")
    {
        var path = System.IO.Path.Combine(PackagesDirectory, $"{package}_{Version}_{arch}.deb");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: a build problem; make it with ./build.sh --target=PackageAmd64 (the Test target runs it)");
        }

        return path;
    }

    /// <summary>The x64 agent built with the solution (dotnet edgeagent.dll).</summary>
    public static string AgentDll => Metadata("Agent");

    /// <summary>The x64 hub built with the solution (dotnet edgehub.dll).</summary>
    public static string HubDll => Metadata("Hub");

    private static string Metadata(string key) =>
        typeof(Shipped).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
