using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hub.Tests.Identity;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class IdentityCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Db => _dir.Combine("hub.db");

    [Fact]
    public async Task Token_Issued_PrintedOnceAndStoredOnlyHashed()
    {
        var result = await MutualTlsBrokerTests.RunHubAsync("devices", "token", "--device", "GL-0700", "--product", "smart-glasses", "--ttl", "30m", "--db", Db);

        Assert.Equal(0, result.Code);
        var token = result.Output.Trim();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        using var store = HubStore.Open(Db);
        var row = new IdentityRecords(store).FindToken(IdentityRecords.HashToken(token))!;
        Assert.Equal(("GL-0700", "smart-glasses", 30 * 60_000L), (row.DeviceId, row.ProductId, row.ExpiresAtMs - row.CreatedAtMs));
        var onDisk = string.Concat(new[] { Db, Db + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.Contains(row.TokenHash, onDisk, StringComparison.Ordinal);
        Assert.DoesNotContain(token, onDisk, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--ttl", "0m")]
    [InlineData("--ttl", "31d")]
    [InlineData("--ttl", "soon")]
    [InlineData("--device", "edgehub-ingest")]
    [InlineData("--device", "bad id")]
    public async Task Token_BadInput_Exit2NamingTheOption(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--device"] = "GL-0701", ["--product"] = "smart-glasses", ["--ttl"] = "1h", [option] = value };

        var result = await MutualTlsBrokerTests.RunHubAsync(["devices", "token", .. args.SelectMany(a => new[] { a.Key, a.Value }), "--db", Db]);

        Assert.Equal(2, result.Code);
        Assert.Contains($"error: {option}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_Twice_SecondChangesNothingAndTokenRefused()
    {
        var first = await MutualTlsBrokerTests.RunHubAsync("devices", "revoke", "--device", "GL-0702", "--reason", "stolen", "--db", Db);
        var second = await MutualTlsBrokerTests.RunHubAsync("devices", "revoke", "--device", "GL-0702", "--db", Db);
        var token = await MutualTlsBrokerTests.RunHubAsync("devices", "token", "--device", "GL-0702", "--product", "p", "--db", Db);

        Assert.Equal((0, 0, 2), (first.Code, second.Code, token.Code));
        Assert.Contains("nothing changed", second.Output, StringComparison.Ordinal);
        Assert.Contains("stolen", second.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", token.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_IdentityVerbs_Described()
    {
        foreach (var verb in new[] { new[] { "devices", "token" }, ["devices", "revoke"], ["broker-config"] })
        {
            var result = await MutualTlsBrokerTests.RunHubAsync([.. verb, "--help"]);
            Assert.Equal(0, result.Code);
            Assert.Contains("--db", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OpenOrCreate_SecondTime_SameCaAndKeyOwnerOnly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_403_200_000));
        string first;
        using (var ca = HubCertificateAuthority.OpenOrCreate(_dir.Path, time))
        {
            first = ca.Certificate.Thumbprint;
        }

        using var again = HubCertificateAuthority.OpenOrCreate(_dir.Path, time);

        Assert.Equal(first, again.Certificate.Thumbprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine(HubCertificateAuthority.KeyFile)));
        Assert.False(again.Certificate.HasPrivateKey);
    }

    [Fact]
    public void OpenOrCreate_KeyReadableByOthers_RefusedNamingChmod()
    {
        using (HubCertificateAuthority.OpenOrCreate(_dir.Path, TimeProvider.System))
        {
        }

        File.SetUnixFileMode(_dir.Combine(HubCertificateAuthority.KeyFile), (UnixFileMode)0b110_100_100);

        var e = Assert.Throws<InvalidOperationException>(() => HubCertificateAuthority.OpenOrCreate(_dir.Path, TimeProvider.System));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
