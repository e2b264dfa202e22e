namespace EdgeAgent.Fuzz.Targets;

/// <summary>One input through a target in-process, as afl-fuzz would judge it: any exception is a finding.</summary>
internal static class CorpusReplay
{
    /// <summary>Null when the target took the input; else the exception it threw (type, message and stack).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "Every exception a target lets out is the finding being reported; none is swallowed.")]
    public static string? Run(IFuzzTarget target, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception e)
        {
            return e.ToString();
        }
    }
}
