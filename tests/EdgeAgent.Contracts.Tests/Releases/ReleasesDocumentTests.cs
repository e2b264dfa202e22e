using System.Text;
using System.Text.RegularExpressions;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Contracts.Tests.Releases;

/// <summary>RELEASES.md's example is real: its release.json verifies with its public key, and its directive parses.</summary>
public sealed partial class ReleasesDocumentTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Contracts", "Releases", "RELEASES.md"));

    [Fact]
    public void Example_ReleaseJson_VerifiesWithTheExamplePublicKeyAndMatchesTheDecodedManifest()
    {
        var blocks = Blocks();
        var pem = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, blocks["pem"][0]);
            var release = SignedRelease.Parse(Encoding.UTF8.GetBytes(blocks["json"][0]));

            var check = ReleaseTrust.FromPemFiles([pem], []).Check(release);

            Assert.True(check.Accepted, check.Reason);
            Assert.Contains($"key id `{release.KeyId}`", Document, StringComparison.Ordinal);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(blocks["json"][1]).RootElement),
                Encoding.UTF8.GetString(Convert.FromBase64String(release.Manifest)));
            Assert.Equal(["rk3588"], check.Manifest!.Boards);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void Example_Directive_ParsesAndNamesTheExampleRelease()
    {
        var blocks = Blocks();
        var release = SignedRelease.Parse(Encoding.UTF8.GetBytes(blocks["json"][0]));

        var directive = ModelDirective.TryParse(Encoding.UTF8.GetBytes(blocks["json"][2]), out var error);

        Assert.True(directive is not null, error);
        Assert.Equal(release.ReadManifest(out _)!.Sha256, directive.Sha256);
        Assert.EndsWith("/api/v1/artifacts/" + directive.Sha256, directive.ArtifactUrl, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_ModelUpdate_StateAndReasonAreContractCodes()
    {
        using var data = System.Text.Json.JsonDocument.Parse(Blocks()["json"][3]);
        Assert.Contains(data.RootElement.GetProperty("state").GetString(), UpdateStates.All);
        Assert.Equal(UpdateFailures.ProbationErrors, data.RootElement.GetProperty("reason").GetString());
    }

    private static Dictionary<string, List<string>> Blocks()
    {
        var blocks = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Match m in Fence().Matches(Document))
        {
            (blocks.TryGetValue(m.Groups[1].Value, out var list) ? list : blocks[m.Groups[1].Value] = []).Add(m.Groups[2].Value);
        }

        return blocks;
    }

    [GeneratedRegex("```(\\w+)\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
