using System.Text.Json;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.TestKit.Releases;
using static EdgeAgent.Core.Updates.UpdateState;

namespace EdgeAgent.Core.Tests.Updates;

/// <summary>Every refusal ends the update with its reason code and a sentence, the old model still serving, the candidate's files gone.</summary>
public sealed class UpdateRefusalTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        // case, reason code, a word the detail must contain
        { "truncated download", UpdateFailures.HashMismatch, "bytes" },
        { "wrong hash", UpdateFailures.HashMismatch, "sha256" },
        { "bad signature", ReleaseRefusals.BadSignature, "signature" },
        { "untrusted key", ReleaseRefusals.UntrustedKey, "not trusted" },
        { "revoked key", ReleaseRefusals.RevokedKey, "revoked" },
        { "incompatible input shape", UpdateFailures.Incompatible, "shape" },
        { "other board", UpdateFailures.Incompatible, "board" },
        { "newer agent needed", UpdateFailures.Incompatible, "agent" },
        { "file tensors differ from manifest", ReleaseRefusals.Mismatch, "tensors" },
        { "directive names another release", ReleaseRefusals.Mismatch, "directive" },
        { "fails its self-test", UpdateFailures.SelfTest, "self-test" },
        { "disk full", UpdateFailures.DiskFull, "disk" },
        { "release.json not a release", ReleaseRefusals.Malformed, "release" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_BadRelease_RefusedWithReasonAndOldModelServes(string @case, string reason, string word)
    {
        await using var rig = @case switch
        {
            "incompatible input shape" => new UpdateRig(e => e with { Inputs = [e.Inputs[0] with { Shape = [1, 8] }] }),
            "other board" => new UpdateRig(boards: ["rk3588"]),
            "newer agent needed" => new UpdateRig(agentMin: "9.0.0"),
            _ => new UpdateRig(),
        };
        var directive = rig.Directive();
        byte[]? artifact = null;
        switch (@case)
        {
            case "truncated download":
                artifact = rig.Artifact[..1000];
                break;
            case "wrong hash":
                artifact = [.. rig.Artifact];
                artifact[10] ^= 0xff;
                break;
            case "bad signature":
                var sig = Convert.FromBase64String(rig.Signed.Signature);
                sig[5] ^= 0x01;
                rig.Signed = rig.Signed with { Signature = Convert.ToBase64String(sig) };
                break;
            case "untrusted key":
                rig.Signed = rig.Releases.Sign(rig.Manifest, rig.Releases.OtherKey);
                break;
            case "revoked key":
                rig.Trust = rig.Releases.Trust(TestReleases.KeyIdOf(rig.Releases.Key));
                break;
            case "file tensors differ from manifest":
                rig.Host.SignatureProblems.Add("input 'x' has shape [1,8]; expected [1,4]");
                break;
            case "directive names another release":
                directive = directive with { Version = "2.0.1" };
                break;
            case "fails its self-test":
                rig.Host.FailStage = true;
                break;
            case "disk full":
                rig.Downloader.FailReason = UpdateFailures.DiskFull;
                break;
        }

        rig.Serve(directive, artifact);
        if (@case == "release.json not a release")
        {
            rig.Downloader.Files[directive.ManifestUrl] = JsonSerializer.SerializeToUtf8Bytes(new { hello = "world" });
        }

        await rig.StartAsync();
        rig.Coordinator!.Offer(directive);
        var journal = await rig.AtRestAsync();

        Assert.Equal(Failed, journal.State);
        Assert.DoesNotContain(Activating, journal.Visited);
        var last = rig.Evidence.Updates[^1];
        Assert.Equal(UpdateStates.Failed, last.GetProperty("state").GetString());
        Assert.Equal(reason, last.GetProperty("reason").GetString());
        Assert.Contains(word, last.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(last.GetProperty("rolled_back").GetBoolean());
        Assert.Equal(UpdateRig.CatalogSha, rig.Host.Current.Sha256);
        Assert.Empty(rig.Evidence.Changes);
        Assert.False(File.Exists(Path.Combine(rig.ReleasesDirectory, UpdateRig.Model, directive.Sha256 + ".onnx")));
    }
}
