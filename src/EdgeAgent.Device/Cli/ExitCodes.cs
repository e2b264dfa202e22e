namespace EdgeAgent.Device.Cli;

/// <summary>The agent's exit codes; scripts and the Debian maintainer scripts rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Something went wrong that is not the caller's input nor a model (I/O, a bug).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: a missing, unreadable or unsupported file or argument.</summary>
    public const int BadInput = 2;

    /// <summary>A model problem: not in the catalog, not fetched, hash or signature mismatch.</summary>
    public const int ModelProblem = 3;
}
