using System.CommandLine;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent run</c>: the agent itself, until SIGTERM or Ctrl-C.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var options = new AgentConfigOptions();
        var command = new Command(
            "run",
            "Run the agent: the pipelines, the sensors of the product profile, the signed ledger, the durable outbox and the MQTT " +
            "publisher to the hub. Stops cleanly on SIGTERM or Ctrl-C. Exit codes: 0 clean stop, 1 not provisioned or the outbox " +
            "is unusable, 2 bad configuration or profile (each bad key or field named).");
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
            await AgentHost.RunAsync(options.ConfigFiles(parse), options.Settings(parse), parse.InvocationConfiguration.Error, null, ct).ConfigureAwait(false));
        return command;
    }
}
