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
    public async Task Provision_BadSerial_ExitsWith2()
    {
        var (code, _, error) = await AgentCli.RunAsync("provision", "--device", "GL 0001", "--product", "smart-glasses", "--state-dir", _temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--device 'GL 0001' must be 1-64 of", error, StringComparison.Ordinal);
    }
}
