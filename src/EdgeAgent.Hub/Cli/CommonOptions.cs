using System.CommandLine;

namespace EdgeAgent.Hub.Cli;

internal static class CommonOptions
{
    public static Option<string> Database() => new("--db")
    {
        Description = $"The hub's SQLite database file (default: {HubOptions.DefaultDatabase}).",
        DefaultValueFactory = _ => HubOptions.DefaultDatabase,
    };
}
