namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// One fuzzed entry point. <see cref="Run"/> takes any bytes; the contract under fuzz is that it returns (the input was
/// read, or refused the way the API documents), never throws, hangs or crashes. An exception escaping it is a finding:
/// afl-fuzz records the input as a crash.
/// </summary>
internal interface IFuzzTarget : IDisposable
{
    /// <summary>The name given on the command line and the corpus folder's name.</summary>
    string Name { get; }

    /// <summary>What the target drives, for the help text and the campaign's report.</summary>
    string Covers { get; }

    void Run(byte[] input);
}
