using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Releases;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Releases;

/// <summary><c>edgehub models keygen|publish|list|revoke-key</c> through the real command line, against a temp database.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PublishTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ReleaseFiles _files = new();

    private string Db => _dir.Combine("edgehub.db");

    public void Dispose()
    {
        _files.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Keygen_NewPath_OwnerOnlyPrivateKeyPublicKeyBesideAndKeyIdPrinted()
    {
        var key = _dir.Combine("keys", "release-key.pem");

        var (code, output, error) = await HubCliRunner.RunAsync("models", "keygen", "--out", key);

        Assert.True(code == 0, error);
        Assert.Equal(PemFilesOwnerOnly, File.GetUnixFileMode(key));
        using var trust = new TrustOf(_dir.Combine("keys", "release-key.pub.pem"));
        Assert.Contains($"release key {trust.KeyId}:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keygen_ExistingFile_RefusedAndLeftAsItWas()
    {
        var before = await File.ReadAllTextAsync(_files.KeyFile);

        var (code, _, error) = await HubCliRunner.RunAsync("models", "keygen", "--out", _files.KeyFile);

        Assert.Equal(2, code);
        Assert.Contains("exists; a release key is never overwritten", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(_files.KeyFile));
    }

    [Fact]
    public async Task Publish_ValidRelease_SignatureVerifiesWithReleaseTrustAndArtifactStoredByHash()
    {
        var (code, output, error) = await Publish();

        Assert.True(code == 0, error);
        Assert.Contains($"published tiny-test 1.0.0: sha256 {_files.Sha256}, 70000 bytes, signed by release key {_files.KeyId}", output, StringComparison.Ordinal);
        using var store = HubStore.Open(Db);
        var row = new ReleaseRegistry(store, new ArtifactStore(Db), TimeProvider.System).Find(ReleaseFiles.Model, "1.0.0")!;
        var check = _files.Trust().Check(SignedRelease.Parse(row.ReleaseJson));
        Assert.True(check.Accepted, check.Reason);
        Assert.Equal(_files.Sha256, check.Manifest!.Sha256);
        Assert.Equal(70_000, check.Manifest.Size);
        Assert.Equal("y", Assert.Single(check.Manifest.SelfTest.Expected).Key);
        var stored = Path.Combine(_dir.Path, "artifacts", "sha256", _files.Sha256[..2], _files.Sha256);
        Assert.Equal(_files.Bytes, await File.ReadAllBytesAsync(stored));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(stored)!, "*.tmp"));
    }

    [Fact]
    public async Task Publish_HashMismatch_RefusedNamingTheFileAndTheEntryField()
    {
        _files.WriteEntry(new string('0', 64));

        var (code, _, error) = await Publish();

        Assert.Equal(2, code);
        Assert.Contains($"--file {_files.ModelFile}: its SHA-256 is {_files.Sha256}, but {_files.EntryFile}: $.sha256 says {new string('0', 64)}", error, StringComparison.Ordinal);
        AssertNothingPublished();
    }

    [Fact]
    public async Task Publish_EntryWithoutSha256_RefusedNamingTheField()
    {
        File.WriteAllText(_files.EntryFile, File.ReadAllText(_files.EntryFile).Replace($"\"sha256\": \"{_files.Sha256}\",", "", StringComparison.Ordinal));

        var (code, _, error) = await Publish();

        Assert.Equal(2, code);
        Assert.Contains(_files.EntryFile, error, StringComparison.Ordinal);
        Assert.Contains("sha256", error, StringComparison.Ordinal);
        AssertNothingPublished();
    }

    [Fact]
    public async Task Publish_SelfTestWithoutExpectedOutputs_RefusedNamingTheSelfTestFile()
    {
        _files.WriteSelfTest(withExpectations: false);

        var (code, _, error) = await Publish();

        Assert.Equal(2, code);
        Assert.Contains($"{_files.SelfTestFile}: $.expected: is empty", error, StringComparison.Ordinal);
        AssertNothingPublished();
    }

    [Fact]
    public async Task Publish_EntryWithoutSelfTest_RefusedNamingTheField()
    {
        _files.WriteEntry(_files.Sha256, selfTest: null);

        var (code, _, error) = await Publish();

        Assert.Equal(2, code);
        Assert.Contains($"{_files.EntryFile}: $.selfTest: is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_EntryOfAnotherModel_RefusedNamingTheEntryName()
    {
        _files.WriteEntry(_files.Sha256, name: "other-model");

        var (code, _, error) = await Publish();

        Assert.Equal(2, code);
        Assert.Contains($"{_files.EntryFile}: $.name: 'other-model' is not --name 'tiny-test'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_UnknownKeyFile_RefusedNamingIt()
    {
        var missing = _dir.Combine("no-such-key.pem");

        var (code, _, error) = await Publish(key: missing);

        Assert.Equal(2, code);
        Assert.Contains($"--key {missing}: no such file", error, StringComparison.Ordinal);
        AssertNothingPublished();
    }

    [Fact]
    public async Task Publish_PublicKeyInsteadOfPrivate_Refused()
    {
        File.SetUnixFileMode(_files.PublicKeyFile, PemFilesOwnerOnly);

        var (code, _, error) = await Publish(key: _files.PublicKeyFile);

        Assert.Equal(2, code);
        Assert.Contains($"--key {_files.PublicKeyFile} is not an EC P-256 private key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SameVersionOtherBytes_RefusedAndFirstReleaseKept()
    {
        Assert.Equal(0, (await Publish()).Code);
        using var other = new ReleaseFiles(seed: 2);

        var (code, _, error) = await HubCliRunner.RunAsync("models", "publish", "--name", ReleaseFiles.Model, "--version", "1.0.0", "--file", other.ModelFile,
            "--entry", other.EntryFile, "--key", _files.KeyFile, "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains($"release tiny-test 1.0.0 is already published with other bytes (sha256 {_files.Sha256}", error, StringComparison.Ordinal);
        using var store = HubStore.Open(Db);
        Assert.Equal(_files.Sha256, Assert.Single(new ReleaseRegistry(store, new ArtifactStore(Db), TimeProvider.System).List()).Sha256);
    }

    [Fact]
    public async Task Publish_IdenticalReleaseAgain_NoOpThatSaysSo()
    {
        Assert.Equal(0, (await Publish()).Code);

        var (code, output, error) = await Publish();

        Assert.True(code == 0, error);
        Assert.Contains("is already published, identical", output, StringComparison.Ordinal);
        using var store = HubStore.Open(Db);
        Assert.Single(new ReleaseRegistry(store, new ArtifactStore(Db), TimeProvider.System).List());
    }

    [Fact]
    public async Task Publish_SameVersionSameBytesOtherBoards_Refused()
    {
        Assert.Equal(0, (await Publish()).Code);

        var (code, _, error) = await Publish(extra: ["--boards", "rk3588"]);

        Assert.Equal(2, code);
        Assert.Contains("already published with the same artifact but another manifest", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeKey_ThenPublishWithIt_RefusedAndANewKeyStillPublishes()
    {
        Assert.Equal(0, (await Publish()).Code);

        var revoke = await HubCliRunner.RunAsync("models", "revoke-key", "--id", _files.KeyId, "--reason", "laptop stolen", "--db", Db);
        var refused = await Publish(version: "1.0.1");
        var newKey = _dir.Combine("release-key-2.pem");
        var keygen = await HubCliRunner.RunAsync("models", "keygen", "--out", newKey);
        var rotated = await Publish(version: "1.0.1", key: newKey);
        var list = await HubCliRunner.RunAsync("models", "list", "--db", Db);

        Assert.True(revoke.Code == 0, revoke.Error);
        Assert.Equal(2, refused.Code);
        Assert.Contains($"release key {_files.KeyId} was revoked at the hub (laptop stolen)", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, keygen.Code);
        Assert.True(rotated.Code == 0, rotated.Error);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name\tversion\tsha256\tsize\tkey\tpublished", lines[0]);
        Assert.StartsWith($"tiny-test\t1.0.0\t{_files.Sha256[..12]}\t70000\t{_files.KeyId} (revoked)\t", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"tiny-test\t1.0.1\t{_files.Sha256[..12]}\t70000\t", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("(revoked)", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeKey_NotAKeyId_RefusedNamingTheOption()
    {
        var (code, _, error) = await HubCliRunner.RunAsync("models", "revoke-key", "--id", "nope", "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains("--id 'nope': a release key id is 16 lower-case hex digits", error, StringComparison.Ordinal);
    }

    private const UnixFileMode PemFilesOwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private Task<(int Code, string Output, string Error)> Publish(string version = "1.0.0", string? key = null, string[]? extra = null) =>
        HubCliRunner.RunAsync([
            "models", "publish", "--name", ReleaseFiles.Model, "--version", version, "--file", _files.ModelFile, "--entry", _files.EntryFile,
            "--key", key ?? _files.KeyFile, "--db", Db, .. extra ?? []]);

    private void AssertNothingPublished()
    {
        using var store = HubStore.Open(Db);
        Assert.Empty(new ReleaseRegistry(store, new ArtifactStore(Db), TimeProvider.System).List());
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "artifacts", "sha256", _files.Sha256[..2])));
    }

    /// <summary>The key id a device computes from a public key file.</summary>
    private sealed class TrustOf : IDisposable
    {
        private readonly System.Security.Cryptography.ECDsa _key = System.Security.Cryptography.ECDsa.Create();

        public TrustOf(string publicKeyFile)
        {
            _key.ImportFromPem(File.ReadAllText(publicKeyFile));
            KeyId = EdgeAgent.Contracts.Records.Checkpoint.KeyIdOf(_key);
        }

        public string KeyId { get; }

        public void Dispose() => _key.Dispose();
    }
}
