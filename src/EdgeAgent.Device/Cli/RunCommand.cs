using System.CommandLine;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent run</c>: the agent itself, until SIGTERM or Ctrl-C.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var config = new Option<FileInfo?>("--config") { Description = "A JSON configuration file (sections Agent, Outbox, Mqtt, Usage, Models; see README)." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one setting, Key=Value with ':' between sections (e.g. --set Mqtt:Broker=mqtt://hub:1883); repeatable. " +
                $"Environment variables {AgentHost.EnvironmentPrefix}Section__Key are read too; --set wins, then the environment, then --config.",
            AllowMultipleArgumentsPerToken = false,
        };
        var state = ProvisionCommand.StateDirectoryOption();
        var command = new Command(
            "run",
            "Run the agent: the pipelines, the signed ledger, the durable outbox and the MQTT publisher to the hub. Stops cleanly " +
            "on SIGTERM or Ctrl-C. Exit codes: 0 clean stop, 1 not provisioned or the outbox is unusable, 2 bad configuration " +
            "(each bad key named).");
        command.Options.Add(config);
        command.Options.Add(set);
        command.Options.Add(state);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new List<string>();
            if (parse.GetResult(state) is { Implicit: false })
            {
                settings.Add($"{AgentOptions.Section}:StateDirectory={parse.GetValue(state)!.FullName}");
            }

            settings.AddRange(parse.GetValue(set) ?? []);
            return await AgentHost.RunAsync(parse.GetValue(config)?.FullName, settings, parse.InvocationConfiguration.Error, null, ct).ConfigureAwait(false);
        });
        return command;
    }
}
