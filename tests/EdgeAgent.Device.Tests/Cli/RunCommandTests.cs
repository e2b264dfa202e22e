using EdgeAgent.Device.Cli;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.Device.Tests.Cli;

/// <summary><c>edgeagent run</c> stops at start, with the key or the fix named, for every bad configuration and state.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<(int Code, string Output, string Error)> ProvisionAsync(bool consent = true) => consent
        ? AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path, "--consent")
        : AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path);

    public static TheoryData<string, string> BadSettings() => new()
    {
        { "Usage:SummaryInterval=00:00:00.5", "Usage:SummaryInterval must be between 00:00:01 and 1.00:00:00" },
        { "Agent:SystemClock=sundial", "Agent:SystemClock must be one of auto, none, ntp, gnss, rtc" },
        { "Agent:Region=Hangzhou", "Agent:Region must be a six-digit region code" },
        { "Agent:Site=west lake/1", "Agent:Site must be a site id" },
        { "Outbox:MaxBytes=1000", "Outbox:MaxBytes must be at least 1048576" },
        { "Models:Pipelines:0:Model=blazeface", "Models:Pipelines:0:Input '' must be an existing file or directory" },
        { "Mqtt:Broker=http://hub:80", "Mqtt:Broker" },
        { "Mqtt:Brokr=mqtt://hub:1883", "unknown setting" },
        { "Agent:Regoin=330106", "'Regoin'" },
        { "Usage:SummaryInterval=soon", "soon" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Run_BadSetting_StopsAtStartNamingTheKey(string setting, string expected)
    {
        await ProvisionAsync();

        var (code, _, error) = await AgentCli.RunAsync("run", "--state-dir", _temp.Path, "--set", setting);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("outbox.db")), "nothing is opened before the configuration is valid");
    }

    [Fact]
    public async Task Run_MissingConfigFile_ExitsWith2NamingIt()
    {
        var (code, _, error) = await AgentCli.RunAsync("run", "--state-dir", _temp.Path, "--config", _temp.Combine("nope.json"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nope.json: no such file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1", "ftp://hub", true)]
    [InlineData("ftp://hub", "mqtt://127.0.0.1:1", false)]
    public async Task Doctor_SeveralConfigFiles_TheLaterFileWins(string first, string second, bool refused)
    {
        await ProvisionAsync();
        File.WriteAllText(_temp.Combine("a.json"), $$"""{ "Mqtt": { "Broker": "{{first}}" } }""");
        File.WriteAllText(_temp.Combine("b.json"), $$"""{ "Mqtt": { "Broker": "{{second}}" } }""");

        var (code, _, error) = await AgentCli.RunAsync("doctor", "--state-dir", _temp.Path, "--config", _temp.Combine("a.json"), "--config", _temp.Combine("b.json"), "--hub-timeout", "1");

        Assert.Equal(refused, code == ExitCodes.BadInput);
        Assert.Equal(refused, error.Contains("Mqtt:Broker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_NoConfigOption_ReadsTheInstalledFilesOfTheConfigDirectory()
    {
        await ProvisionAsync();
        var installed = Directory.CreateDirectory(_temp.Combine("etc")).FullName;
        File.WriteAllText(Path.Combine(installed, "agent.json"), """{ "Mqtt": { "Broker": "ftp://conffile" } }""");
        var environment = new Dictionary<string, string> { ["EDGEAGENT_CONFIG_DIR"] = installed };

        var conffileOnly = await RunAgentAsync(environment, "doctor", "--state-dir", _temp.Path, "--hub-timeout", "1");
        File.WriteAllText(Path.Combine(installed, "provisioned.json"), """{ "Mqtt": { "Broker": "mqtt://127.0.0.1:1" } }""");
        var provisioned = await RunAgentAsync(environment, "doctor", "--state-dir", _temp.Path, "--hub-timeout", "1");

        Assert.Equal(ExitCodes.BadInput, conffileOnly.ExitCode);
        Assert.Contains("ftp://conffile", conffileOnly.Error, StringComparison.Ordinal);
        Assert.NotEqual(ExitCodes.BadInput, provisioned.ExitCode); // provisioned.json is read after agent.json and wins
    }

    private static async Task<(int ExitCode, string Error)> RunAgentAsync(Dictionary<string, string> environment, params string[] args)
    {
        await using var agent = ChildProcess.Start(typeof(EdgeAgentCli).Assembly.Location, args, environment);
        await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (agent.ExitCode, agent.ErrorText);
    }

    [Fact]
    public async Task Run_SettingWithoutEquals_ExitsWith2()
    {
        var (code, _, error) = await AgentCli.RunAsync("run", "--state-dir", _temp.Path, "--set", "Mqtt:Broker");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("must be Key=Value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NotProvisioned_SaysHowToProvision()
    {
        var (code, _, error) = await AgentCli.RunAsync("run", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Run: edgeagent provision --device <serial> --product <product-id> --consent", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutConsent_RecordsNothing()
    {
        await ProvisionAsync(consent: false);

        var (code, _, error) = await AgentCli.RunAsync("run", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("no consent to collection", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("outbox.db")));
    }

    [Fact]
    public async Task Status_AgentNeverRan_SaysSoAndExits1()
    {
        var (code, _, error) = await AgentCli.RunAsync("status", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("the agent has not run here", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TheReadmeExampleConfig_PassesValidation()
    {
        // The README's configuration example is this file: every key in it binds and validates (the run then stops only
        // because this state directory is not provisioned).
        var example = RepositoryRoot.Combine("src", "EdgeAgent.Device", "edgeagent.example.json");

        var (code, _, error) = await AgentCli.RunAsync("run", "--config", example, "--state-dir", _temp.Path,
            "--set", $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}", "--set", $"Models:Pipelines:0:Input={RepositoryRoot.Combine("models")}");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("is not provisioned", error, StringComparison.Ordinal);
    }

}
