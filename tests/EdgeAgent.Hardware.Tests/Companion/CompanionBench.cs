using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Usage;
using EdgeAgent.Hardware.Companion;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Companion;

/// <summary>
/// The board's CompanionLink and the simulated companion (the real firmware) joined by a stream pair, stepped in
/// lock-step: each step is one firmware tick, then both directions are drained (every byte one side wrote has been
/// read by the other) before the clocks move. Two clocks, as on a real device: the companion's runs always; the
/// board's stops while the board is suspended (<see cref="BoardSuspended"/>), as CLOCK_MONOTONIC does.
/// </summary>
internal sealed class CompanionBench : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private CompanionBench(StreamPair streams, Stream boardStream, IDisposable? port)
    {
        Streams = streams;
        Port = port;
        Companion = new SimulatedCompanion(streams.Companion, CompanionTime);
        Usage = new UsageAccountant(BoardTime, new InferenceUsage(), UsageMode.Operate);
        Link = new CompanionLink(boardStream, BoardTime, Usage);
    }

    public FakeTimeProvider CompanionTime { get; } = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public FakeTimeProvider BoardTime { get; } = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public StreamPair Streams { get; }

    public IDisposable? Port { get; }

    public SimulatedCompanion Companion { get; }

    public CompanionLink Link { get; }

    public UsageAccountant Usage { get; }

    /// <summary>While true the board's clock stands still and the board reads nothing new (its process is frozen).</summary>
    public bool BoardSuspended { get; set; }

    public static CompanionBench OverPipes()
    {
        var streams = StreamPair.Pipes();
        return new CompanionBench(streams, streams.Board, null);
    }

    /// <summary>Over a real pseudo-terminal, the board's end opened with <see cref="CompanionPort.Open"/> as the agent
    /// opens its UART. Null when the machine has no pseudo-terminals.</summary>
    public static CompanionBench? OverPseudoTerminal()
    {
        var streams = StreamPair.PseudoTerminal();
        if (streams is null)
        {
            return null;
        }

        var port = CompanionPort.Open(streams.BoardPath!);
        return new CompanionBench(streams, port.BaseStream, port);
    }

    /// <summary>Runs <paramref name="duration"/> of firmware ticks, draining both directions after each.</summary>
    public async Task RunAsync(TimeSpan duration)
    {
        var steps = (int)(duration / Companion.TickInterval);
        for (var i = 0; i < steps; i++)
        {
            await StepAsync().ConfigureAwait(false);
        }
    }

    public async Task StepAsync()
    {
        Companion.Step();
        if (!BoardSuspended)
        {
            var sent = Companion.BytesSent;
            Assert.True(await Link.WaitUntilAsync(() => Link.Statistics.BytesReceived >= sent, Bound), "the board did not get what the companion sent");
            Assert.True(await Companion.WaitForReceivedAsync(Link.Statistics.BytesSent, Bound), "the companion did not get what the board sent");
        }

        CompanionTime.Advance(Companion.TickInterval);
        if (!BoardSuspended)
        {
            BoardTime.Advance(Companion.TickInterval); // fires the link's resend timer
            Assert.True(await Companion.WaitForReceivedAsync(Link.Statistics.BytesSent, Bound), "the companion did not get a resend");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Port?.Dispose();
        Streams.Dispose();
        await Link.DisposeAsync().ConfigureAwait(false);
        await Companion.DisposeAsync().ConfigureAwait(false);
    }
}
