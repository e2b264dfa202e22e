namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>The comparison the ARM64 stage judges by: what it lets through and what it catches. Runs anywhere.</summary>
[Trait("Category", Arm64Stage.Category)]
public sealed class InferComparisonTests
{
    private const string Face = """{"model":"blazeface","width":512,"height":512,"faces":[{"x":178.0665,"y":80.9139,"w":94.0692,"h":94.0695,"score":0.9226,"keypoints":[[203.8713,100.8108]]}]}""";

    [Fact]
    public void Compare_KernelSizedDifferences_NoMismatch()
    {
        var comparison = new InferComparison();

        comparison.Compare("blazeface", Face, Face.Replace("178.0665", "178.0671", StringComparison.Ordinal).Replace("0.9226", "0.9229", StringComparison.Ordinal));

        Assert.Empty(comparison.Mismatches);
        Assert.Contains(comparison.Table(), l => l.Contains("pixels", StringComparison.Ordinal) && l.Contains("0.0006", StringComparison.Ordinal) && l.Contains("faces[0].x", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> Faults() => new()
    {
        // model, x64, ARM64, what the mismatch names
        { "blazeface", Face, Face.Replace("178.0665", "180.0665", StringComparison.Ordinal), "faces[0].x: x64 178.0665, ARM64 180.0665, |diff| 2 > 1 (pixels)" },
        { "blazeface", Face, Face.Replace("0.9226", "0.8926", StringComparison.Ordinal), "faces[0].score" },
        { "blazeface", Face, Face.Replace("\"width\":512", "\"width\":511", StringComparison.Ordinal), "width" },
        { "blazeface", Face, """{"model":"blazeface","width":512,"height":512,"faces":[]}""", "faces: x64 has 1 item(s), ARM64 has 0" },
        { "ppocr", """{"model":"ppocr","lines":[{"text":"Men may seem","score":0.99}]}""", """{"model":"ppocr","lines":[{"text":"Men rnay seem","score":0.99}]}""", "lines[0].text" },
        { "silero-vad", """{"model":"silero-vad","segments":[{"start_s":0,"end_s":2.142}]}""", """{"model":"silero-vad","segments":[{"start_s":0,"end_s":2.174}]}""", "end_s" },
        { "silero-vad", """{"model":"silero-vad","segments":[]}""", """{"model":"silero-vad","segments":[],"extra":1}""", "fields" },
        { "silero-vad", """{"model":"silero-vad","segments":[]}""", "", "ARM64 0" },
        { "silero-vad", "", "", "x64 printed no result" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Compare_RealDifference_IsAMismatchNamingIt(string model, string x64, string arm64, string named)
    {
        var comparison = new InferComparison();

        comparison.Compare(model, x64, arm64);

        Assert.Contains(comparison.Mismatches, m => m.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_ResultsForSeveralFiles_ComparedInOrder()
    {
        var comparison = new InferComparison();
        var other = Face.Replace("\"faces\":[{", "\"faces\":[{\"x\":1,\"y\":1,\"w\":1,\"h\":1,\"score\":1,\"keypoints\":[]},{", StringComparison.Ordinal);

        comparison.Compare("blazeface", Face + "\n" + Face, Face + "\n" + other);

        Assert.Contains(comparison.Mismatches, m => m.StartsWith("blazeface [1].faces: x64 has 1 item(s), ARM64 has 2", StringComparison.Ordinal));
    }
}
