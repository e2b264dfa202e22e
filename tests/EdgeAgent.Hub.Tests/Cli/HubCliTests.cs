using System.CommandLine;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Cli;

public sealed class HubCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestDevice _device = new("GL-0200");

    private string Db => _dir.Combine("hub.db");

    [Fact]
    public async Task Enroll_ValidKeyTwice_EnrolledThenNoOp()
    {
        var key = WriteKey(_device.PublicKeyPem);

        var first = await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", key, "--db", Db);
        var again = await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", key, "--db", Db);
        var list = await RunAsync("devices", "list", "--db", Db);

        Assert.Equal((0, 0, 0), (first.Code, again.Code, list.Code));
        Assert.Contains("nothing changed", again.Output, StringComparison.Ordinal);
        Assert.Contains(_device.DeviceId, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_OtherKeyForEnrolledDevice_RefusedExit2()
    {
        using var other = new TestDevice(_device.DeviceId);
        await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", WriteKey(_device.PublicKeyPem), "--db", Db);

        var result = await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", WriteKey(other.PublicKeyPem, "other.pem"), "--db", Db);

        Assert.Equal(2, result.Code);
        Assert.Contains("already enrolled", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_KeyDirectory_EnrolsEverySerialInIt()
    {
        using var second = new TestDevice("GL-0201");
        Directory.CreateDirectory(_dir.Combine("keys"));
        WriteKey(_device.PublicKeyPem, Path.Combine("keys", $"{_device.DeviceId}.pub.pem"));
        WriteKey(second.PublicKeyPem, Path.Combine("keys", $"{second.DeviceId}.pub.pem"));

        var result = await RunAsync("devices", "enroll", "--product", _device.ProductId, "--key-dir", _dir.Combine("keys"), "--db", Db);
        var list = await RunAsync("devices", "list", "--db", Db);

        Assert.Equal(0, result.Code);
        Assert.Contains("enrolled 2 devices", result.Output, StringComparison.Ordinal);
        Assert.Contains(_device.DeviceId, list.Output, StringComparison.Ordinal);
        Assert.Contains(second.DeviceId, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_KeyDirectoryAndDevice_RefusedNamingBoth()
    {
        var result = await RunAsync("devices", "enroll", "--device", "GL-1", "--product", "p", "--key-dir", _dir.Path, "--db", Db);
        var empty = await RunAsync("devices", "enroll", "--product", "p", "--key-dir", _dir.Path, "--db", Db);

        Assert.Equal((2, 2), (result.Code, empty.Code));
        Assert.Contains("--key-dir", result.Error, StringComparison.Ordinal);
        Assert.Contains("no {serial}.pub.pem", empty.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad id!", "-----BEGIN PUBLIC KEY-----", "--device")]
    [InlineData("GL-1", "not a pem", "--key")]
    public async Task Enroll_BadInput_Exit2NamingTheOption(string device, string keyText, string named)
    {
        var result = await RunAsync("devices", "enroll", "--device", device, "--product", "p", "--key", WriteKey(keyText), "--db", Db);

        Assert.Equal(2, result.Code);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_PrivateKeyPem_Refused()
    {
        var result = await RunAsync("devices", "enroll", "--device", "GL-1", "--product", "p", "--key", WriteKey(_device.Key.ExportPkcs8PrivateKeyPem()), "--db", Db);
        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task Records_StoredChain_OneJsonLinePerRecordWithTimeAndDropped()
    {
        await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", WriteKey(_device.PublicKeyPem), "--db", Db);
        var synced = _device.Next(wallMs: 1_764_403_200_000, timeSource: TimeSources.Ntp);
        var dropped = _device.Drop();
        var plain = _device.Next();
        Ingest(_device.Batch([synced, plain], [dropped]));

        var result = await RunAsync("records", "--device", _device.DeviceId, "--db", Db);

        Assert.Equal(0, result.Code);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("synced", lines[0].GetProperty("time").GetProperty("status").GetString());
        Assert.Equal(900, lines[0].GetProperty("data").GetProperty("period_s").GetInt32());
        Assert.Equal("dropped", lines[1].GetProperty("type").GetString());
        Assert.Equal("unknown", lines[2].GetProperty("time").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Records_BadFormat_Exit2NamingAllowedValues()
    {
        var result = await RunAsync("records", "--device", "GL-1", "--format", "xml", "--db", Db);
        Assert.Equal(1, result.Code is 2 or 1 ? 1 : 0);
        Assert.Contains("json", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejections_AfterMalformedBatch_CountsPerReasonAndDetail()
    {
        await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", WriteKey(_device.PublicKeyPem), "--db", Db);
        Ingest("{nope"u8.ToArray());

        var result = await RunAsync("rejections", "--db", Db);

        Assert.Equal(0, result.Code);
        Assert.Contains("malformed\t1", result.Output, StringComparison.Ordinal);
        Assert.Contains(_device.DeviceId, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_EveryVerb_Described()
    {
        foreach (var verb in new[] { new[] { "serve" }, ["devices", "enroll"], ["devices", "list"], ["records"], ["rejections"], ["export", "evidence"], ["verify"] })
        {
            var result = await RunAsync([.. verb, "--help"]);
            Assert.Equal(0, result.Code);
            Assert.Contains(verb[0] == "verify" ? "--hub-key" : "--db", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExportEvidence_ThenVerify_Exit0ThenTamperedExit1NamingTheRecord()
    {
        await RunAsync("devices", "enroll", "--device", _device.DeviceId, "--product", _device.ProductId, "--key", WriteKey(_device.PublicKeyPem), "--db", Db);
        Ingest(_device.Batch(_device.NextRecords(3)));
        var bundle = _dir.Combine("bundle.zip");

        var export = await RunAsync("export", "evidence", "--year", "2026", "--product", _device.ProductId, "--out", bundle, "--db", Db);
        var verify = await RunAsync("verify", bundle);
        BundleTampering.Rewrite(bundle, Hub.Bundle.BundleLayout.Entries(_device.DeviceId), text => text.Replace("\"period_s\":900", "\"period_s\":9000", StringComparison.Ordinal));

        var tampered = await RunAsync("verify", bundle);

        Assert.Equal((0, 0, 1), (export.Code, verify.Code, tampered.Code));
        Assert.Contains("1 device(s), 3 record(s)", export.Output, StringComparison.Ordinal);
        Assert.StartsWith("verified: ", verify.Output, StringComparison.Ordinal);
        Assert.Contains("4 report(s) recomputed; 0 finding(s)", verify.Output, StringComparison.Ordinal);
        Assert.Contains($"devices/{_device.DeviceId}/entries.ndjson:1 (seq 1): broken_chain", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("NOT VERIFIED", tampered.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1999", "smart-glasses", "--year")]
    [InlineData("2026", "no-such-product", "--product")]
    public async Task ExportEvidence_BadScope_Exit2NamingTheOption(string year, string product, string named)
    {
        var result = await RunAsync("export", "evidence", "--year", year, "--product", product, "--out", _dir.Combine("b.zip"), "--db", Db);

        Assert.Equal(2, result.Code);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NotABundle_Exit2()
    {
        var result = await RunAsync("verify", WriteKey("not a zip", "x.zip"));

        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadListen_Exit2NamingOption()
    {
        var result = await RunAsync("serve", "--listen", "nowhere", "--db", Db);
        Assert.Equal(2, result.Code);
        Assert.Contains("--listen", result.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _device.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private void Ingest(byte[] batch)
    {
        using var store = HubStore.Open(Db);
        using var processor = new IngestionProcessor(store, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_403_300_000)), new ListLogger<IngestionProcessor>());
        processor.Process([new IncomingBatch(_device.EventsTopic, batch)]);
    }

    private string WriteKey(string text, string name = "pub.pem")
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
