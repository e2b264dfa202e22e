using System.CommandLine;

namespace EdgeAgent.Hub.Cli;

/// <summary>The <c>edgehub</c> command line: one verb per capability, help on every one.</summary>
internal static class HubCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "edgehub: the EdgeAgent city hub. An MQTT broker (embedded by default), ingestion that verifies every record " +
            "and signature before it stores and acknowledges it, the device registry, model releases and their rollout campaigns.");
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(DevicesCommand.Build());
        root.Subcommands.Add(RecordsCommand.Build());
        root.Subcommands.Add(RejectionsCommand.Build());
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(VerifyCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        root.Subcommands.Add(Registry.ImportCommand.Build());
        root.Subcommands.Add(Reports.ReportCommand.Build());
        root.Subcommands.Add(UsersCommand.Build());
        root.Subcommands.Add(Identity.BrokerConfigCommand.Build(TimeProvider.System));
        root.Subcommands.Add(Releases.ModelsCommand.Build(TimeProvider.System));
        root.Subcommands.Add(Rollouts.RolloutCommand.Build(TimeProvider.System));
        return root;
    }
}
