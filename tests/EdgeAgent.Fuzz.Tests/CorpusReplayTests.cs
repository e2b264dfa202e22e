using EdgeAgent.Fuzz.Targets;

namespace EdgeAgent.Fuzz.Tests;

/// <summary>The corpus is a regression suite: every file of it, seeds and the inputs of past findings, goes through its
/// target in-process and must come out clean (no exception, no broken invariant).</summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string, string> CorpusFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var file in Directory.EnumerateFiles(Harness.Corpus(target)).Order(StringComparer.Ordinal))
            {
                data.Add(target, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Replay_CorpusFile_TargetTakesItCleanly(string target, string file)
    {
        using var fuzzTarget = FuzzTargets.Create(target)!;

        var finding = CorpusReplay.Run(fuzzTarget, File.ReadAllBytes(Path.Combine(Harness.Corpus(target), file)));

        Assert.Null(finding);
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("csv")]
    [InlineData("link")]
    public void Corpus_EachTarget_HasSeeds(string target) =>
        Assert.True(Directory.EnumerateFiles(Harness.Corpus(target)).Count() >= 3, $"the {target} corpus needs its seeds");

    [Fact]
    public void Replay_ExceptionInTarget_IsReportedAsFinding()
    {
        using var target = new Throwing();

        var finding = CorpusReplay.Run(target, [1, 2, 3]);

        Assert.Contains("IndexOutOfRangeException", finding, StringComparison.Ordinal);
    }

    private sealed class Throwing : IFuzzTarget
    {
        public string Name => "throwing";

        public string Covers => "nothing";

        public void Run(byte[] input) => _ = input[input.Length];

        public void Dispose()
        {
        }
    }
}
