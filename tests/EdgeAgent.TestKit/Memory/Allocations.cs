namespace EdgeAgent.TestKit.Memory;

/// <summary>
/// Bytes a piece of code allocates on the calling thread, measured in several rounds. A per-call allocation shows in
/// every round; the runtime's own one-off work on the thread (type loads while methods are rejitted under load, seen in
/// CI as a few kilobytes in one round) shows in one, so tests assert on <see cref="AllocationRounds.Least"/>.
/// </summary>
public static class Allocations
{
    public static AllocationRounds Measure(Action body, int rounds = 5)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var bytes = new long[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            body();
            bytes[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return new AllocationRounds(bytes);
    }
}

/// <summary>The bytes each round allocated.</summary>
public sealed record AllocationRounds(IReadOnlyList<long> Bytes)
{
    public long Least => Bytes.Min();

    public override string ToString() => $"bytes allocated per round: {string.Join(", ", Bytes)}";
}
