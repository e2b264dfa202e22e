using System.CommandLine;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Cli;

/// <summary>
/// The <c>--config</c>, <c>--set</c> and <c>--state-dir</c> options of the verbs that read the agent's configuration
/// (run, doctor, provision). Without <c>--config</c> they read the installed configuration: the package's conffile
/// <c>/etc/edgeagent/agent.json</c>, then <c>/etc/edgeagent/provisioned.json</c> written by <c>edgeagent provision</c>,
/// each where it exists (<c>$EDGEAGENT_CONFIG_DIR</c> moves the folder), so <c>doctor</c> on a board sees what the service runs with.
/// </summary>
internal sealed class AgentConfigOptions
{
    public const string DirectoryVariable = "EDGEAGENT_CONFIG_DIR";
    public const string BaseFile = "agent.json";
    public const string ProvisionedFile = "provisioned.json";

    public Option<FileInfo[]> Config { get; } = new("--config")
    {
        Description = "A JSON configuration file (sections Agent, Outbox, Mqtt, Usage, Models, Updates, Hardware; see README); repeatable, " +
            $"later files win. Default: {BaseFile} then {ProvisionedFile} in ${DirectoryVariable} (else /etc/edgeagent), those that exist.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The installed configuration folder: <c>$EDGEAGENT_CONFIG_DIR</c>, else <c>/etc/edgeagent</c>.</summary>
    public static string Directory => Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured ? configured : "/etc/edgeagent";

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

    /// <summary>The <c>--config</c> files in order; without any, the installed ones that exist.</summary>
    public IReadOnlyList<string> ConfigFiles(ParseResult parse) => parse.GetValue(Config) is { Length: > 0 } files
        ? [.. files.Select(f => f.FullName)]
        : [.. new[] { BaseFile, ProvisionedFile }.Select(name => Path.Combine(Directory, name)).Where(File.Exists)];

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
