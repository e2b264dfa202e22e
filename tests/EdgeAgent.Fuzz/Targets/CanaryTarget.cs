using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// A target with a planted bug, for the test that proves the campaign sees a crash: any input holding a 0xFF byte
/// throws. Its seed is <c>EA?</c>; 0xFF (-1) is one of afl-fuzz's "interesting" byte values, so its havoc stage finds the
/// crash within a second or two.
/// Each input first goes through <see cref="RecordBatch.TryRead"/>: afl-fuzz refuses a target that runs no instrumented
/// code ("No instrumentation detected"), and EdgeAgent.Contracts is instrumented.
/// Not one of <see cref="FuzzTargets.Names"/>: campaigns never fuzz it, only <c>AflRunTests</c> does.
/// </summary>
internal sealed class CanaryTarget : IFuzzTarget
{
    public string Name => "canary";

    public string Covers => "nothing of the product: a planted crash on inputs holding a 0xFF byte";

    public void Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _ = RecordBatch.TryRead(input, out _, out _, out _);
        if (input.AsSpan().Contains((byte)0xFF))
        {
            throw new InvalidOperationException("the canary's planted bug");
        }
    }

    public void Dispose()
    {
    }
}
