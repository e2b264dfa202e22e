using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Tests.Cli;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// The agent with no hub in reach (a closed loopback port): it still records, keeps everything on disk, reports itself
/// disconnected, and what it kept can be exported and checked offline; a tampered export is caught.
/// </summary>
public sealed class OfflineRunTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_HubUnreachable_RecordsKeepsThemAndExportVerifies()
    {
        await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", _temp.Path);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var error = new StringWriter();
        var settings = new[] { $"Agent:StateDirectory={_temp.Path}", $"Mqtt:Broker=mqtt://127.0.0.1:{ClosedPort()}", "Agent:StatusInterval=00:00:00.100", "Agent:Region=330106", "Agent:Site=HZ-XIHU-01" };
        var run = AgentHost.RunAsync([], settings, error, null, stop.Token);

        var statusPath = _temp.Combine("status.json");
        while (!File.Exists(statusPath) || AgentStatus.Read(statusPath) is not { HeadSeq: >= 2 })
        {
            Assert.False(run.IsCompleted, $"the agent stopped: {error}");
            await Task.Delay(50, stop.Token);
        }

        var status = AgentStatus.Read(statusPath)!;
        Assert.False(status.Connected);
        Assert.Equal(0, status.AckedSeq);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run);

        var export = _temp.Combine("ledger.json");
        var (exportCode, exportOut, exportError) = await AgentCli.RunAsync("ledger", "export", "--state-dir", _temp.Path, "--out", export);
        Assert.True(exportCode == ExitCodes.Ok, exportError);
        Assert.Contains("of device GL-0001", exportOut, StringComparison.Ordinal);

        var (verifyCode, verifyOut, verifyError) = await AgentCli.RunAsync("ledger", "verify", "--in", export, "--key", _temp.Combine("device-key.pub.pem"));
        Assert.True(verifyCode == ExitCodes.Ok, verifyOut + verifyError);

        var types = Types(export);
        Assert.Equal([RecordTypes.PowerState, RecordTypes.DeviceActivated, RecordTypes.ModelChanged, RecordTypes.DeploymentCommissioned], types.Take(4));
        Assert.Single(types, RecordTypes.DeploymentCommissioned);
        Assert.Equal("HZ-XIHU-01", (await File.ReadAllTextAsync(_temp.Combine("commissioned-site"))).Trim());
        Assert.Contains(RecordTypes.UsageSummary, types);
        Assert.Equal(RecordTypes.PowerState, types[^1]);

        // One changed byte in one record: the offline check fails and says where.
        var text = await File.ReadAllTextAsync(export);
        await File.WriteAllTextAsync(export, text.Replace("\"region\":\"330106\"", "\"region\":\"330107\"", StringComparison.Ordinal));
        var (tamperedCode, _, tamperedError) = await AgentCli.RunAsync("ledger", "verify", "--in", export, "--key", _temp.Combine("device-key.pub.pem"));
        Assert.Equal(ExitCodes.ModelProblem, tamperedCode);
        Assert.False(string.IsNullOrWhiteSpace(tamperedError));
    }

    private static List<string> Types(string export)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(export));
        return [.. doc.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("type").GetString()!)];
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
