using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EdgeAgent.Contracts.Records;
using EdgeAgent.TestKit.IO;
using RecordChain = EdgeAgent.Contracts.Records.Chain;

namespace EdgeAgent.Contracts.Tests.Records;

/// <summary>The examples in src/EdgeAgent.Contracts/Records/FORMAT.md are real: decoded, hashed, chained and verified here.</summary>
public sealed partial class FormatDocumentTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Contracts", "Records", "FORMAT.md"));

    [Fact]
    public void Records_DecodeAndHashToTheStatedValues()
    {
        foreach (var name in new[] { "record-1", "record-2" })
        {
            var bytes = Encoding.UTF8.GetBytes(Block("json " + name));
            Assert.True(RecordCodec.TryDecode(bytes, out var record, out var problem), problem);
            Assert.Equal(bytes, RecordCodec.Encode(record!));
            Assert.Contains($"Its hash: `{RecordCodec.Hash(bytes)}`", Document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Batch_ReadsChainsAndVerifiesWithTheExampleKey()
    {
        Assert.True(RecordBatch.TryRead(Encoding.UTF8.GetBytes(Block("json batch")), out var batch, out var reason, out var detail), $"{reason}: {detail}");
        using var key = ECDsa.Create();
        key.ImportFromPem(Block("pem"));

        var (problems, head) = RecordChain.Verify(batch!.Records, batch.DeviceId, ChainHead.Genesis);

        Assert.Empty(problems);
        Assert.Equal(Encoding.UTF8.GetBytes(Block("json record-2")), batch.Records[^1]);
        Assert.Equal((head.Seq, head.Hash), (batch.Checkpoint.Seq, batch.Checkpoint.Hash));
        Assert.True(batch.Checkpoint.VerifiedBy(key, batch.DeviceId));
        Assert.Equal(Checkpoint.KeyIdOf(key), batch.Checkpoint.KeyId);
    }

    private static string Block(string info)
    {
        var m = Regex.Match(Document, "```" + Regex.Escape(info) + "\\n(.*?)\\n```", RegexOptions.Singleline);
        Assert.True(m.Success, $"FORMAT.md has no ```{info} block");
        return m.Groups[1].Value;
    }
}
