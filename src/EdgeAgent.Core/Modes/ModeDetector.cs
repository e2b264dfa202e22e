using EdgeAgent.Core.Usage;

namespace EdgeAgent.Core.Modes;

/// <summary>A switch from one mode to another, at the evaluation that made it (never back-dated).</summary>
public sealed record ModeTransition(string From, UsageMode FromClass, string To, UsageMode ToClass, long Timestamp);

/// <summary>
/// The outcome of one evaluation: the mode the device is in after it, this evaluation's candidate (the first matching
/// state, else the default), and the switch it made, if any.
/// </summary>
public sealed record ModeEvaluation(string Mode, UsageMode Class, string Candidate, ModeTransition? Transition);

/// <summary>
/// Detects the operating mode from signal samples by the rules of a <see cref="ModeSpec"/> (contract, <c>modes</c>).
/// Sensor loops call <see cref="Observe"/>; the caller's mode loop calls <see cref="Evaluate"/> every
/// <see cref="ModeSpec.Evaluate"/>. At each evaluation the first matching state (else the default) is the candidate;
/// the detector switches to it once it has been the candidate at every evaluation for its <see cref="ModeState.Enter"/>
/// (the default: at once). The switch happens at that evaluation's timestamp: the seconds before count to the previous
/// mode. It starts in the default mode. Thread-safe (one lock; <see cref="Observe"/> from any thread).
/// </summary>
public sealed class ModeDetector
{
    private const int Default = -1;
    private const int NoPending = int.MinValue;

    private readonly Lock _gate = new();
    private readonly ModeSpec _spec;
    private readonly TimeProvider _time;
    private readonly SignalWindow _signals;
    private int _current = Default;
    private int _pending = NoPending;
    private long _pendingSince;
    private long? _lastEvaluation;

    public ModeDetector(ModeSpec spec, TimeProvider time, int samplesPerSignalLimit = SignalWindow.DefaultCapacityLimit)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(time);
        _spec = spec;
        _time = time;
        _signals = new SignalWindow(time.TimestampFrequency, spec.LongestWindows(), spec.LatestMaxAge, samplesPerSignalLimit);
    }

    public ModeSpec Spec => _spec;

    /// <summary>The current mode's name.</summary>
    public string Mode
    {
        get
        {
            lock (_gate)
            {
                return NameOf(_current);
            }
        }
    }

    /// <summary>The current mode's usage class.</summary>
    public UsageMode Class
    {
        get
        {
            lock (_gate)
            {
                return ClassOf(_current);
            }
        }
    }

    /// <summary>
    /// A sample of <paramref name="signal"/> (e.g. <c>imu.motion_g</c>) taken at <paramref name="timestamp"/>
    /// (<see cref="TimeProvider.GetTimestamp"/>). False when no condition reads the signal or the sample is older
    /// than the newest of that signal (then it is not kept).
    /// </summary>
    public bool Observe(string signal, double value, long timestamp)
    {
        lock (_gate)
        {
            return _signals.Observe(signal, value, timestamp);
        }
    }

    /// <summary>Evaluates the rules at <paramref name="timestamp"/>; timestamps must not go back between calls.</summary>
    public ModeEvaluation Evaluate(long timestamp)
    {
        lock (_gate)
        {
            if (timestamp < _lastEvaluation)
            {
                throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, $"evaluation at {timestamp} is before the previous one at {_lastEvaluation}");
            }

            _lastEvaluation = timestamp;
            var candidate = Candidate(timestamp);
            ModeTransition? transition = null;
            if (candidate == _current)
            {
                _pending = NoPending;
            }
            else
            {
                if (candidate != _pending)
                {
                    _pending = candidate;
                    _pendingSince = timestamp;
                }

                var enter = candidate == Default ? TimeSpan.Zero : _spec.States[candidate].Enter;
                if (_time.GetElapsedTime(_pendingSince, timestamp) >= enter)
                {
                    transition = new ModeTransition(NameOf(_current), ClassOf(_current), NameOf(candidate), ClassOf(candidate), timestamp);
                    _current = candidate;
                    _pending = NoPending;
                }
            }

            return new ModeEvaluation(NameOf(_current), ClassOf(_current), NameOf(candidate), transition);
        }
    }

    /// <summary>Whether <paramref name="state"/>'s conditions hold at <paramref name="timestamp"/> on the samples seen so far.</summary>
    internal bool Matches(ModeState state, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            return MatchesUnlocked(state, timestamp);
        }
    }

    private int Candidate(long now)
    {
        for (var i = 0; i < _spec.States.Count; i++)
        {
            if (MatchesUnlocked(_spec.States[i], now))
            {
                return i;
            }
        }

        return Default;
    }

    private bool MatchesUnlocked(ModeState state, long now)
    {
        foreach (var condition in state.All)
        {
            if (!Holds(condition, now))
            {
                return false;
            }
        }

        if (state.Any.Count == 0)
        {
            return true;
        }

        foreach (var condition in state.Any)
        {
            if (Holds(condition, now))
            {
                return true;
            }
        }

        return false;
    }

    private bool Holds(Condition condition, long now) =>
        condition.Holds(_signals.Compute(condition.Signal, condition.Stat, condition.Window, now));

    private string NameOf(int state) => state == Default ? _spec.Default.Name : _spec.States[state].Name;

    private UsageMode ClassOf(int state) => state == Default ? _spec.Default.Class : _spec.States[state].Class;
}
