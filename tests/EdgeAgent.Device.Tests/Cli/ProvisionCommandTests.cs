using System.Text.Json.Nodes;
using EdgeAgent.Device.Cli;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Cli;

public sealed class ProvisionCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Provision_ThenAgain_CreatesOnceAndSaysWhatItDid()
    {
        var (first, out1, _) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", _temp.Path);
        var (second, out2, _) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", _temp.Path);

        Assert.Equal((0, 0), (first, second));
        Assert.Contains("provisioned device GL-0001 of product smart-glasses: new key", out1, StringComparison.Ordinal);
        Assert.Contains("was already provisioned; kept key", out2, StringComparison.Ordinal);
        Assert.Contains($"public key for enrolment at the hub: {_temp.Combine("device-key.pub.pem")}", out2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_WithoutConsent_WarnsThatNothingWillBeRecorded()
    {
        var (code, output, _) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--state-dir", _temp.Path);

        Assert.Equal(0, code);
        Assert.Contains("NOT given (the agent will record nothing; run again with --consent)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_WithBoard_WritesTheSettingsAndSaysTheNextStep()
    {
        var (code, output, error) = await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--consent", "--board", "raspberry-pi-5", "--profile", "drone", "--state-dir", _temp.Path);

        Assert.True(code == 0, error);
        var settings = JsonNode.Parse(File.ReadAllText(_temp.Combine("provisioned.json")))!;
        Assert.Equal("raspberry-pi-5", (string?)settings["Hardware"]!["Board"]);
        Assert.Equal("drone", (string?)settings["Hardware"]!["Product"]);
        Assert.Equal(_temp.Path, (string?)settings["Agent"]!["StateDirectory"]);
        Assert.Contains("hardware: board raspberry-pi-5, product profile drone", output, StringComparison.Ordinal);
        Assert.Contains($"config: wrote {_temp.Combine("provisioned.json")}: Agent:StateDirectory={_temp.Path}, Hardware:Board=raspberry-pi-5, Hardware:Product=drone", output, StringComparison.Ordinal);
        Assert.EndsWith($"next: enrol the key at the hub: edgehub devices enroll --device DR-0001 --product drone --key device-key.pub.pem, then: edgeagent run --config {_temp.Combine("provisioned.json")} --set Mqtt:Broker=mqtt://HUB:1883", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_Again_KeepsWhatWasWrittenAndSaysWhatChanged()
    {
        await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--consent", "--board", "rk3588", "--state-dir", _temp.Path);

        var (same, unchanged, _) = await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--consent", "--board", "rk3588", "--state-dir", _temp.Path);
        var (other, changed, _) = await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--consent", "--board", "raspberry-pi-5", "--state-dir", _temp.Path);
        var (kept, _, _) = await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--consent", "--state-dir", _temp.Path);

        Assert.Equal((0, 0, 0), (same, other, kept));
        Assert.Contains($"config: {_temp.Combine("provisioned.json")} unchanged", unchanged, StringComparison.Ordinal);
        Assert.Contains("Hardware:Board: rk3588 -> raspberry-pi-5", changed, StringComparison.Ordinal);
        var settings = JsonNode.Parse(File.ReadAllText(_temp.Combine("provisioned.json")))!;
        Assert.Equal("raspberry-pi-5", (string?)settings["Hardware"]!["Board"]); // a run without --board keeps the board
    }

    [Theory]
    [InlineData("--board", "rpi5", "--board 'rpi5' is not a board profile", "allowed: jetson-orin-nano, raspberry-pi-5, rk3588, simulated")]
    [InlineData("--profile", "glasses", "--profile 'glasses' is not a product profile", "allowed: drone, service-robot, smart-glasses")]
    public async Task Provision_UnknownProfile_Exit2ListsTheAllowedIdsAndWritesNothing(string option, string value, string said, string allowed)
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", option, value, "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(said, error, StringComparison.Ordinal);
        Assert.Contains(allowed, error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task Provision_ProductTheBoardCannotCarry_Exit2NamingTheProfileField()
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "DR-0001", "--product", "drone", "--board", "rk3588", "--profile", "drone", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("drone.json: boards does not list rk3588; this product is built on: jetson-orin-nano, raspberry-pi-5", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task Provision_ConfigWrittenByAnEarlierHand_IsMergedNotReplaced()
    {
        File.WriteAllText(_temp.Combine("provisioned.json"), """{ "Mqtt": { "Broker": "mqtts://hub.example:8883" } }""");

        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--board", "raspberry-pi-5", "--state-dir", _temp.Path);

        Assert.True(code == 0, error);
        var settings = JsonNode.Parse(File.ReadAllText(_temp.Combine("provisioned.json")))!;
        Assert.Equal("mqtts://hub.example:8883", (string?)settings["Mqtt"]!["Broker"]);
        Assert.Equal("raspberry-pi-5", (string?)settings["Hardware"]!["Board"]);
    }

    [Fact]
    public async Task Provision_BadSerial_ExitsWith2()
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL 0001", "--product", "smart-glasses", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--device 'GL 0001' must be 1-64 of", error, StringComparison.Ordinal);
    }
}
