using System.IO.Pipes;
using EdgeAgent.Hardware.Companion;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>
/// The simulated board's companion: a <see cref="SimulatedCompanion"/> (the real firmware on simulated parts) joined to
/// the board's <see cref="CompanionLink"/> by two OS pipes, and stepped every firmware tick on the agent's clock by a
/// loop owned here. The companion's own clock runs with the agent's, except that <see cref="SuspendBoardAsync"/> can
/// move it on by the length of a board suspension the agent's clock does not see (as CLOCK_MONOTONIC stops while a
/// real board is suspended): that is how the simulated board shows standby seconds being credited.
/// </summary>
public sealed class SimulatedCompanionRunner : IAsyncDisposable
{
    /// <summary>A bound on waiting for the firmware to act on a command (real time; never a measurement).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly AnonymousPipeServerStream _toCompanion;
    private readonly AnonymousPipeClientStream _companionIn;
    private readonly AnonymousPipeServerStream _toBoard;
    private readonly AnonymousPipeClientStream _boardIn;
    private readonly SkippableClock _clock;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    private SimulatedCompanionRunner(TimeProvider time)
    {
        _time = time;
        _clock = new SkippableClock(time);
        _toCompanion = new AnonymousPipeServerStream(PipeDirection.Out);
        _companionIn = new AnonymousPipeClientStream(PipeDirection.In, _toCompanion.ClientSafePipeHandle);
        _toBoard = new AnonymousPipeServerStream(PipeDirection.Out);
        _boardIn = new AnonymousPipeClientStream(PipeDirection.In, _toBoard.ClientSafePipeHandle);
        BoardStream = new DuplexStream(_boardIn, _toCompanion);
        Companion = new SimulatedCompanion(new DuplexStream(_companionIn, _toBoard), _clock);
    }

    /// <summary>The board's end of the link: what <see cref="CompanionLink"/> reads and writes.</summary>
    public Stream BoardStream { get; }

    /// <summary>The simulated companion: set its IMU, battery and buttons, watch its motor and LED.</summary>
    public SimulatedCompanion Companion { get; }

    /// <summary>Whether the firmware holds the board awake, read between two firmware ticks: a command the companion
    /// acknowledged has been acted on (the acknowledgement is sent within the tick that acts on it).</summary>
    public bool BoardAwake
    {
        get
        {
            lock (_gate)
            {
                return Companion.BoardAwake;
            }
        }
    }

    /// <summary>Seconds the companion's clock was moved on by simulated suspensions.</summary>
    public TimeSpan Suspended => _clock.Skipped;

    public static SimulatedCompanionRunner Start(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var runner = new SimulatedCompanionRunner(time);
        runner._pump = runner.PumpAsync();
        return runner;
    }

    /// <summary>Holds button <paramref name="button"/> for <paramref name="held"/> of the agent's time (1.5 s or more is the firmware's long press).</summary>
    public async Task PressAsync(int button, TimeSpan held, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Companion.SetButton(button, true);
        }

        try
        {
            await Task.Delay(held, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                Companion.SetButton(button, false);
            }
        }
    }

    /// <summary>
    /// A board suspension of <paramref name="duration"/> as the companion sees it: the link tells the companion the board
    /// sleeps, the companion counts <paramref name="duration"/> of standby (its clock moved on a second per firmware
    /// tick, while the agent's stands), then the link says the board is awake and the companion's counters report
    /// credits the standby. Returns the standby seconds the link credited for it.
    /// </summary>
    /// <exception cref="TimeoutException">The firmware did not take the sleep, or its report did not come, within a bound.</exception>
    public async Task<long> SuspendBoardAsync(CompanionLink link, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        // Acknowledged means acted on: the firmware sends the acknowledgement within the tick that takes the sleep.
        if (!await link.SleepingAsync(null, Bound, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"the simulated companion did not take the board's sleep within {Bound.TotalSeconds:0} s (or the link refused it: 8 commands already await acknowledgement)");
        }

        lock (_gate)
        {
            for (var second = 0; second < (int)duration.TotalSeconds; second++)
            {
                _clock.Skip(TimeSpan.FromSeconds(1));
                Companion.Step();
            }
        }

        var before = link.Statistics.StandbySecondsCredited;
        if (!link.Awake())
        {
            throw new InvalidOperationException("the link refused the awake command: 8 commands already await acknowledgement");
        }

        return await link.WaitUntilAsync(() => link.Statistics.StandbySecondsCredited > before, Bound, cancellationToken).ConfigureAwait(false)
            ? link.Statistics.StandbySecondsCredited - before
            : throw new TimeoutException($"the simulated companion's counters report did not arrive within {Bound.TotalSeconds:0} s of the board waking");
    }

    /// <summary>Closes the writing ends, so both readers (the link's and the companion's) see the end of their stream.</summary>
    internal void CloseStreams()
    {
        _toCompanion.Dispose();
        _toBoard.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        CloseStreams();
        await Companion.DisposeAsync().ConfigureAwait(false);
        _companionIn.Dispose();
        _boardIn.Dispose();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        using var timer = new PeriodicTimer(Companion.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    Companion.Step();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // the board's end was closed: the companion has no one to talk to
        }
    }

    /// <summary>The agent's clock plus the suspensions simulated so far.</summary>
    private sealed class SkippableClock(TimeProvider inner) : TimeProvider
    {
        private long _skipped;

        public TimeSpan Skipped => TimeSpan.FromSeconds(Interlocked.Read(ref _skipped) / (double)inner.TimestampFrequency);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override long GetTimestamp() => inner.GetTimestamp() + Interlocked.Read(ref _skipped);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Skipped;

        public void Skip(TimeSpan span) => Interlocked.Add(ref _skipped, (long)((Int128)span.Ticks * inner.TimestampFrequency / TimeSpan.TicksPerSecond));
    }
}
