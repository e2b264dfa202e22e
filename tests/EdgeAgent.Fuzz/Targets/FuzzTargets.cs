namespace EdgeAgent.Fuzz.Targets;

/// <summary>The harness's targets by name. Each is created on first use: the csv target builds a database at creation.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyList<string> Names = ["batch", "csv", "link"];

    /// <summary>The target named <paramref name="name"/>; null when there is none.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        "batch" => new BatchTarget(),
        "csv" => new CsvTarget(),
        "link" => new LinkTarget(),
        _ => null,
    };
}
