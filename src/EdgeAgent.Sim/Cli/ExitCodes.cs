namespace EdgeAgent.Sim.Cli;

/// <summary>The simulator's exit codes (the build's Soak and Demo targets read them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run failed, or records were still unacknowledged when the drain ran out.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: the message names the option and the allowed values.</summary>
    public const int BadInput = 2;
}
