using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;

namespace EdgeAgent.Core.Tests.Catalog;

public sealed class SignatureCheckTests
{
    private static readonly TensorSpec X = new() { Name = "x", Type = "float32", Shape = [-1, 4] };

    [Fact]
    public void Compare_SameTensors_HasNoProblems() =>
        Assert.Empty(SignatureCheck.Compare("input", [X], [X with { Shape = [-1, 4] }]));

    public static TheoryData<TensorSpec, string> Mismatches() => new()
    {
        { X with { Name = "input" }, "input 'x' is missing; the file has input float32[?,4]" },
        { X with { Type = "int64" }, "input 'x' has element type int64; expected float32" },
        { X with { Shape = [1, 4] }, "input 'x' has shape [1,4]; expected [?,4]" },
        { X with { Shape = [-1, 4, 1] }, "input 'x' has shape [?,4,1]; expected [?,4]" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Compare_Mismatch_NamesTensorExpectedAndActual(TensorSpec actual, string problem)
    {
        var problems = SignatureCheck.Compare("input", [X], [actual]);

        Assert.Contains(problem, problems);
    }

    [Fact]
    public void Compare_ExtraTensorInFile_IsReported()
    {
        var extra = new TensorSpec { Name = "state", Type = "float32", Shape = [2] };

        var problem = Assert.Single(SignatureCheck.Compare("output", [X], [X, extra]));

        Assert.Equal("output 'state' is not in the catalog entry (state float32[2])", problem);
    }
}
