namespace EdgeAgent.TestKit.IO;

/// <summary>Finds the repository the tests were built from (the folder holding EdgeAgent.sln).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no EdgeAgent.sln above {AppContext.BaseDirectory}; run the tests from the repository");
    });

    public static string Path => Root.Value;

    /// <summary>A path inside the repository, from '/'-separated parts.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);
}
