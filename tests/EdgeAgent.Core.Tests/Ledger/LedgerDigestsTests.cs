using EdgeAgent.Core.Ledger;

namespace EdgeAgent.Core.Tests.Ledger;

public sealed class LedgerDigestsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Constructor_NotA64HexDigest_ThrowsNamingTheDigest(string bad)
    {
        var e = Assert.Throws<ArgumentException>(() => new LedgerDigests(new string('a', 64), bad, new string('c', 64)));

        Assert.Contains("agent digest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OfModels_SameSetInAnyOrderOrCase_GivesTheSameDigest()
    {
        string a = new('a', 64), b = new('b', 64);

        Assert.Equal(LedgerDigests.OfModels([a, b]), LedgerDigests.OfModels([b, a.ToUpperInvariant(), b]));
        Assert.NotEqual(LedgerDigests.OfModels([a]), LedgerDigests.OfModels([a, b]));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", LedgerDigests.OfModels([]));
    }

    [Fact]
    public async Task OfFileAsync_File_IsTheSha256OfItsBytes()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "abc");

            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", await LedgerDigests.OfFileAsync(path, CancellationToken.None));
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", LedgerDigests.OfConfig("abc"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
