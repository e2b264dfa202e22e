using System.Text.Json;
using EdgeAgent.Device.Cli;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Device.Tests.Cli;

/// <summary>
/// <c>edgeagent doctor</c> on the simulated board: every row passes (or warns) with the real profiles, models and a real
/// broker; with a sensor taken off the simulated bus it fails on that row with its remedy, in the table and in JSON.
/// </summary>
public sealed class DoctorCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private EmbeddedMqttBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedMqttBroker.StartAsync();
        await AgentCli.RunAsync("provision", "--device", "GL-0001", "--product", "smart-glasses", "--consent", "--state-dir", _temp.Path);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private Task<(int Code, string Output, string Error)> DoctorAsync(string product, params string[] more) => AgentCli.RunAsync(
    [
        "doctor", "--state-dir", _temp.Path,
        "--set", $"Mqtt:Broker=mqtt://{EmbeddedMqttBroker.Host}:{_broker.Port}",
        "--set", $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}",
        "--set", $"Models:Cache={RepositoryRoot.Combine("models", ".cache")}",
        "--set", $"Hardware:Profiles={RepositoryRoot.Combine("hardware")}",
        "--set", "Hardware:Board=simulated",
        "--set", $"Hardware:Product={product}",
        .. more,
    ]);

    [Theory]
    [InlineData("smart-glasses", new[] { "sensor imu", "sensor env", "sensor battery", "controls", "companion", "model blazeface", "model silero-vad" })]
    [InlineData("drone", new[] { "sensor imu", "sensor gnss", "sensor motor", "sensor pack", "sensor landing", "companion", "model ppocr-det" })]
    [InlineData("service-robot", new[] { "sensor servo", "sensor drive", "sensor adc", "sensor bumper", "sensor env" })]
    public async Task Doctor_SimulatedBoard_PassesEveryRow(string product, string[] passing)
    {
        var (code, output, error) = await DoctorAsync(product, "--format", "json");

        Assert.True(code == ExitCodes.Ok, output + error);
        var rows = Rows(output);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("ok").GetBoolean());
        Assert.DoesNotContain(rows.Values, r => r.Status == "fail");
        foreach (var check in passing.Append("profile").Append("device key").Append("hub reachable").Append("disk budget"))
        {
            Assert.True(rows.TryGetValue(check, out var row) && row.Status == "pass", $"{check}: {(row is null ? "missing" : row.Detail)}");
        }

        Assert.Contains("identified, reads", rows[passing[0]].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SensorRemovedFromTheSimulation_FailsOnItsRowWithTheRemedy()
    {
        var (code, output, _) = await DoctorAsync("smart-glasses", "--set", "Hardware:Absent:0=env");

        Assert.Equal(ExitCodes.Failure, code);
        var lines = output.Split('\n');
        var row = Array.FindIndex(lines, l => l.StartsWith("sensor env ", StringComparison.Ordinal));
        Assert.True(row >= 0, output);
        Assert.Contains("FAIL", lines[row], StringComparison.Ordinal);
        Assert.Contains("bme280 at i2c1 0x76", lines[row], StringComparison.Ordinal);
        Assert.Contains("remedy: check the wiring and power of the bme280 at 0x76", lines[row + 1], StringComparison.Ordinal);
        Assert.Contains("1 failed", lines.Last(l => l.Length > 0), StringComparison.Ordinal);
        // The other sensors on the same bus still pass.
        Assert.Contains(lines, l => l.StartsWith("sensor imu ", StringComparison.Ordinal) && l.Contains(" ok ", StringComparison.Ordinal));

        var (jsonCode, json, _) = await DoctorAsync("smart-glasses", "--set", "Hardware:Absent:0=env", "--format", "json");
        Assert.Equal(ExitCodes.Failure, jsonCode);
        var env = Rows(json)["sensor env"];
        Assert.Equal("fail", env.Status);
        Assert.Contains("bme280 at 0x76 on sim:i2c1", env.Remedy ?? "", StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(json).RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Doctor_NotProvisionedAndHubDown_FailsThoseRows()
    {
        using var empty = new TempDirectory();
        await _broker.DisposeAsync();

        var (code, output, _) = await AgentCli.RunAsync("doctor", "--state-dir", empty.Path, "--format", "json", "--hub-timeout", "1",
            "--set", $"Mqtt:Broker=mqtt://{EmbeddedMqttBroker.Host}:{_broker.Port}");

        Assert.Equal(ExitCodes.Failure, code);
        var rows = Rows(output);
        Assert.Equal("fail", rows["device key"].Status);
        Assert.Contains("edgeagent provision", rows["device key"].Remedy, StringComparison.Ordinal);
        Assert.Equal("fail", rows["hub reachable"].Status);
        Assert.Equal("warn", rows["profile"].Status); // no product profile: the hardware is not checked, and it says so
    }

    [Theory]
    [InlineData("Hardware:Product=hovercraft", "'hovercraft' is not a product profile", "allowed: drone, service-robot, smart-glasses")]
    [InlineData("Hardware:Board=beaglebone", "'beaglebone' is not a board profile", "allowed: jetson-orin-nano, raspberry-pi-5, rk3588, simulated")]
    [InlineData("Hardware:Absent:0=nose", "'nose' is not a sensor of smart-glasses", "allowed: imu, env, battery, camera, mic")]
    [InlineData("Hardware:Replay=/nonexistent/trace.jsonl", "Hardware:Replay", "is not a file")]
    [InlineData("Models:Pipelines:0:Model=blazeface;Models:Pipelines:0:Source=lidar", "Models:Pipelines:0:Source 'lidar' is not a camera or microphone of product smart-glasses", "allowed: camera, mic")]
    [InlineData("Hardware:Bored=simulated", "unknown setting", "Bored")]
    public async Task Run_BadHardwareSetting_StopsAtStartNamingItAndTheAllowedValues(string setting, string expected, string allowed)
    {
        var (code, _, error) = await AgentCli.RunAsync(
        [
            "run", "--state-dir", _temp.Path, "--set", $"Hardware:Profiles={RepositoryRoot.Combine("hardware")}", "--set", "Hardware:Product=smart-glasses",
            .. setting.Split(';').SelectMany(s => new[] { "--set", s }),
        ]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(allowed, error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("outbox.db")), "nothing is opened before the hardware setup is valid");
    }

    private sealed record Row(string Status, string Detail, string? Remedy);

    private static Dictionary<string, Row> Rows(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            r => r.GetProperty("check").GetString()!,
            r => new Row(r.GetProperty("status").GetString()!, r.GetProperty("detail").GetString()!, r.TryGetProperty("remedy", out var remedy) ? remedy.GetString() : null));
    }
}
