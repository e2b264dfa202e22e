using System.CommandLine;

namespace EdgeAgent.Device.Cli;

/// <summary>The <c>edgeagent</c> command line: one verb per capability, help on every one.</summary>
internal static class EdgeAgentCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "edgeagent: the EdgeAgent device agent. Runs ONNX models on sensor input, keeps a signed usage ledger " +
            "and reports it to the city hub.");
        root.Subcommands.Add(ProvisionCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(DoctorCommand.Build());
        root.Subcommands.Add(LedgerCommand.Build());
        root.Subcommands.Add(ModelsCommand.Build());
        root.Subcommands.Add(InferCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        return root;
    }
}
