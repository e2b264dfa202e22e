namespace EdgeAgent.Fuzz.Targets;

/// <summary>The harness's targets by name. Each is created on first use: the csv target builds a database at creation.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyList<string> Names = ["batch", "csv", "link"];

    /// <summary>The test-only target with a planted crash (<see cref="CanaryTarget"/>); runnable, never in a campaign.</summary>
    public const string Canary = "canary";

    /// <summary>Whether <paramref name="name"/> is a target the harness can run under afl-fuzz.</summary>
    public static bool IsTarget(string name) => Names.Contains(name) || name == Canary;

    /// <summary>The target named <paramref name="name"/> (one of <see cref="Names"/>, or the test-only canary, <see cref="CanaryTarget"/>); null when there is none.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        "batch" => new BatchTarget(),
        "csv" => new CsvTarget(),
        "link" => new LinkTarget(),
        Canary => new CanaryTarget(),
        _ => null,
    };
}
