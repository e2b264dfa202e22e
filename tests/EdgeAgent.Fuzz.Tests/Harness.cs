using System.Reflection;

namespace EdgeAgent.Fuzz.Tests;

/// <summary>Where the harness's build output, its corpus and the repository are.</summary>
internal static class Harness
{
    public static string Directory => Metadata("HarnessDirectory");

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>The seed corpus kept in the repository for <paramref name="target"/>.</summary>
    public static string Corpus(string target) => Path.Combine(RepoRoot, "tests", "EdgeAgent.Fuzz", "Corpus", target);

    private static string Metadata(string key) =>
        typeof(Harness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
