using EdgeAgent.Core.Updates;
using EdgeAgent.TestKit.Releases;

namespace EdgeAgent.Core.Tests.Updates;

public sealed class UpdateJournalTests
{
    [Fact]
    public void Parse_ToJson_RoundTripsEveryField()
    {
        var previous = ReleaseRef.Catalog("tiny-mlp", new string('c', 64));
        var candidate = new ReleaseRef { Name = "tiny-mlp", Version = "2.0.0", Sha256 = new string('d', 64) };
        var journal = new UpdateJournal
        {
            State = UpdateState.Probation,
            Directive = TestReleases.Install("c-1", TestReleases.Manifest("2.0.0", new byte[] { 1, 2, 3 }, UpdateRig.Entry(new string('d', 64)), UpdateRig.SelfTest())),
            Candidate = candidate,
            Previous = previous,
            Boots = 2,
            Baseline = new EdgeAgent.Core.Pipelines.CallFigures { Calls = 5, P95Ms = 1.5, OutputSamples = 5, OutputMean = 0.2, OutputSpread = 0.01 },
            Steps = [new UpdateStep { From = UpdateState.Activating, To = UpdateState.Probation, Event = UpdateEvent.Activated, AtMs = 42 }],
            Reported = 1,
            Handled = ["c-1/install"],
        }.Serving(candidate);

        var back = UpdateJournal.Parse(journal.ToJson());

        Assert.Equal(journal.ToJson(), back.ToJson());
        Assert.Equal(candidate, back.ServingRelease("tiny-mlp"));
        Assert.Equal([UpdateState.Activating, UpdateState.Probation], back.Visited);
    }

    [Theory]
    [InlineData(UpdateState.Downloading)]
    [InlineData(UpdateState.Committed)]
    [InlineData(UpdateState.Failed)]
    public void AtStart_OutsideActivationAndProbation_ChangesNothing(UpdateState state)
    {
        var journal = new UpdateJournal { State = state };

        Assert.Same(journal, journal.AtStart(3));
    }

    [Fact]
    public void AtStart_StartsInsideProbation_CountedAndAtTheLimitThePreviousVersionServes()
    {
        var candidate = new ReleaseRef { Name = "m", Version = "2.0.0", Sha256 = new string('d', 64) };
        var journal = new UpdateJournal { State = UpdateState.Probation, Candidate = candidate, Previous = ReleaseRef.Catalog("m", new string('c', 64)) }.Serving(candidate);

        var once = journal.AtStart(3);
        var twice = once.AtStart(3);
        var thrice = twice.AtStart(3);

        Assert.Equal([1, 2, 3], new[] { once.Boots, twice.Boots, thrice.Boots });
        Assert.Equal(candidate, twice.ServingRelease("m"));
        Assert.Null(thrice.ServingRelease("m")); // the catalog pin serves again
    }
}
