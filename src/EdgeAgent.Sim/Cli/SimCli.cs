using System.CommandLine;

namespace EdgeAgent.Sim.Cli;

/// <summary>The <c>edgesim</c> command line.</summary>
internal static class SimCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "edgesim: a fleet of virtual EdgeAgent devices in one process, for soak, load and fault tests of a hub. Each device " +
            "is the real ledger (signing, hash chain, boot counter, mono and wall time) over its own outbox and the real MQTT " +
            "publisher (its own connection, hub acknowledgements, clock sync).");
        root.Subcommands.Add(ProvisionCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        return root;
    }
}
