using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Contracts.Tests.Releases;

public sealed class SignedReleaseTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Check_SignedByATrustedKey_AcceptedWithTheManifest()
    {
        var signed = SignedRelease.Sign(Manifest(), _key);

        var check = Trust([_key]).Check(SignedRelease.Parse(signed.ToJson()));

        Assert.True(check.Accepted, check.Reason);
        Assert.Equal("tiny-test", check.Manifest!.Name);
        Assert.Equal(EdgeAgent.Contracts.Records.Checkpoint.KeyIdOf(_key), signed.KeyId);
    }

    [Fact]
    public void Check_ManifestBytesChangedAfterSigning_BadSignature()
    {
        var signed = SignedRelease.Sign(Manifest(), _key);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(signed.Manifest)).Replace("\"size\":4096", "\"size\":4097", StringComparison.Ordinal);
        var tampered = signed with { Manifest = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) };

        var check = Trust([_key]).Check(tampered);

        Assert.Equal(ReleaseRefusals.BadSignature, check.Refusal);
    }

    [Fact]
    public void Check_KeyNotTrusted_UntrustedKeyNamingIt()
    {
        var signed = SignedRelease.Sign(Manifest(), _other);

        var check = Trust([_key]).Check(signed);

        Assert.Equal(ReleaseRefusals.UntrustedKey, check.Refusal);
        Assert.Contains(signed.KeyId, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_KeyTrustedButRevoked_Revoked()
    {
        var signed = SignedRelease.Sign(Manifest(), _key);

        var check = new ReleaseTrust([_key], [signed.KeyId]).Check(signed);

        Assert.Equal(ReleaseRefusals.RevokedKey, check.Refusal);
    }

    [Fact]
    public void Check_RotationTwoTrustedKeys_EitherAccepted()
    {
        var trust = Trust([_key, _other]);

        Assert.True(trust.Check(SignedRelease.Sign(Manifest(), _key)).Accepted);
        Assert.True(trust.Check(SignedRelease.Sign(Manifest() with { Version = "1.1.0" }, _other)).Accepted);
    }

    [Fact]
    public void Sign_ManifestWithoutSelfTestExpectations_Refused()
    {
        var bad = Manifest() with { SelfTest = Manifest().SelfTest with { Expected = new Dictionary<string, SelfTestExpectation>() } };

        var e = Assert.Throws<ArgumentException>(() => SignedRelease.Sign(bad, _key));

        Assert.Contains("selfTest must have expected outputs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_UnknownField_RefusedAsMalformed()
    {
        var signed = SignedRelease.Sign(Manifest(), _key);
        var node = JsonNode.Parse(Convert.FromBase64String(signed.Manifest))!.AsObject();
        node["surprise"] = 1;
        var bytes = Encoding.UTF8.GetBytes(node.ToJsonString());
        var resigned = signed with { Manifest = Convert.ToBase64String(bytes), Signature = Convert.ToBase64String(_key.SignData([.. "ea/v1/release\n"u8, .. bytes], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)) };

        var check = Trust([_key]).Check(resigned);

        Assert.Equal(ReleaseRefusals.Malformed, check.Refusal);
    }

    [Theory]
    [InlineData("rk3588", "0.2.0", null)]
    [InlineData("jetson", "0.2.0", "runs on boards rk3588, not on 'jetson'")]
    [InlineData("rk3588", "0.1.9", "needs agent 0.2.0 or later")]
    [InlineData("rk3588", "1.0.0", "runs on agents below 1.0.0")]
    [InlineData("rk3588", "1.0.0-rc.1", null)]
    public void IncompatibilityWith_BoardAndAgentRange_ReasonOrNull(string board, string agent, string? reason)
    {
        var manifest = Manifest() with { Boards = ["rk3588"], AgentMin = "0.2.0", AgentBelow = "1.0.0" };

        var why = manifest.IncompatibilityWith(board, agent);

        if (reason is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(reason, why, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1.0.0", "1.0.1", -1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("2.0.0-rc.1", "2.0.0", -1)]
    [InlineData("2.0.0+build.5", "2.0.0", 0)]
    public void ReleaseVersion_Compare_NumericPrereleaseBeforeRelease(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(ReleaseVersion.Parse(a).CompareTo(ReleaseVersion.Parse(b))));
    }

    internal static ReleaseManifest Manifest() => new()
    {
        Name = "tiny-test",
        Version = "1.0.0",
        Sha256 = new string('a', 64),
        Size = 4096,
        Entry = new ModelEntry
        {
            Name = "tiny-test",
            Task = "test",
            License = "MIT",
            Source = new PackageSource { Npm = "edgeagent-test-models", Version = "1.0.0", Path = "tiny.onnx" },
            Sha256 = new string('a', 64),
            Inputs = [new TensorSpec { Name = "x", Type = "float32", Shape = [1, 4] }],
            Outputs = [new TensorSpec { Name = "y", Type = "float32", Shape = [1, 4] }],
        },
        SelfTest = new SelfTestVector
        {
            Inputs = new Dictionary<string, SelfTestInput> { ["x"] = new() { Shape = [1, 4], Fill = "zeros" } },
            Expected = new Dictionary<string, SelfTestExpectation> { ["y"] = new() { Shape = [1, 4], Mean = 0, L2 = 0, Samples = [[0, 0]] } },
            Tolerance = new SelfTestTolerance { Absolute = 1e-3, Relative = 1e-3 },
        },
    };

    private static ReleaseTrust Trust(IEnumerable<ECDsa> keys) => new(keys, []);
}
