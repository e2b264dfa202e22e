namespace EdgeAgent.Device.Systemd;

/// <summary>
/// The agent's liveness signal for the systemd watchdog: each main loop registers with the longest silence it may keep
/// and beats after every completed iteration. The agent is alive while every registered loop beat within its allowance;
/// a loop that is stuck (a wedged outbox, a deadlock, a starved thread pool) makes it stale, the watchdog stops pinging,
/// and systemd restarts the agent.
/// </summary>
internal sealed class Liveness(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<Heartbeat> _loops = [];

    /// <summary>Registers a loop; it counts as having beaten now.</summary>
    public Heartbeat Register(string loop, TimeSpan maxSilence)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loop);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxSilence, TimeSpan.Zero);
        var heartbeat = new Heartbeat(loop, maxSilence, time);
        lock (_gate)
        {
            _loops.Add(heartbeat);
        }

        return heartbeat;
    }

    /// <summary>Null while every loop beat within its allowance; else the first loop that is silent too long.</summary>
    public Silence? Stale()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            foreach (var loop in _loops)
            {
                var silent = time.GetElapsedTime(loop.LastBeat, now);
                if (silent > loop.MaxSilence)
                {
                    return new Silence(loop.Loop, silent, loop.MaxSilence);
                }
            }
        }

        return null;
    }

    /// <summary>A loop silent for longer than it may be.</summary>
    internal sealed record Silence(string Loop, TimeSpan Silent, TimeSpan Allowed)
    {
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the {Loop} loop has not ticked for {Silent.TotalSeconds:0.#} s (allowed {Allowed.TotalSeconds:0.#} s)");
    }

    /// <summary>One loop's beat.</summary>
    internal sealed class Heartbeat(string loop, TimeSpan maxSilence, TimeProvider time)
    {
        private long _lastBeat = time.GetTimestamp();

        public string Loop { get; } = loop;

        public TimeSpan MaxSilence { get; } = maxSilence;

        public long LastBeat => Volatile.Read(ref _lastBeat);

        /// <summary>Called after each completed iteration of the loop.</summary>
        public void Beat() => Volatile.Write(ref _lastBeat, time.GetTimestamp());
    }
}
