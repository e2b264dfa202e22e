using System.CommandLine;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Cli;

/// <summary>The <c>--config</c>, <c>--set</c> and <c>--state-dir</c> options of the verbs that read the agent's configuration (run, doctor).</summary>
internal sealed class AgentConfigOptions
{
    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "A JSON configuration file (sections Agent, Outbox, Mqtt, Usage, Models, Updates, Hardware; see README).",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one setting, Key=Value with ':' between sections (e.g. --set Mqtt:Broker=mqtt://hub:1883); repeatable. " +
            $"Environment variables {AgentHost.EnvironmentPrefix}Section__Key are read too; --set wins, then the environment, then --config.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<DirectoryInfo> StateDirectory { get; } = ProvisionCommand.StateDirectoryOption();

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(StateDirectory);
    }

    public string? ConfigFile(ParseResult parse) => parse.GetValue(Config)?.FullName;

    /// <summary>The <c>--set</c> settings, with an explicit <c>--state-dir</c> first (so a <c>--set Agent:StateDirectory</c> still wins).</summary>
    public List<string> Settings(ParseResult parse)
    {
        var settings = new List<string>();
        if (parse.GetResult(StateDirectory) is { Implicit: false })
        {
            settings.Add($"{AgentOptions.Section}:StateDirectory={parse.GetValue(StateDirectory)!.FullName}");
        }

        settings.AddRange(parse.GetValue(Set) ?? []);
        return settings;
    }
}
