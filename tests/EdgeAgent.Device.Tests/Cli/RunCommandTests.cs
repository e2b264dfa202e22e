using EdgeAgent.Device.Cli;
using EdgeAgent.TestKit.IO;

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
