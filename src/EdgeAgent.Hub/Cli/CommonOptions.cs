using System.CommandLine;

namespace EdgeAgent.Hub.Cli;

internal static class CommonOptions
{
    public static Option<string> Database() => new("--db")
    {
        Description = $"The hub's SQLite database file (default: {HubOptions.DefaultDatabase}).",
        DefaultValueFactory = _ => HubOptions.DefaultDatabase,
    };

    /// <summary><c>--store postgres://...</c>: read and enrol in a scale-out hub's PostgreSQL store instead of the SQLite <c>--db</c>.</summary>
    public static Option<string?> Store() => new("--store")
    {
        Description = "A scale-out hub's PostgreSQL store (postgres://USER[:PASSWORD]@HOST[:PORT]/DB or postgres:///DB?host=/SOCKET/DIR; password may come from PGPASSWORD), instead of --db.",
    };
}
