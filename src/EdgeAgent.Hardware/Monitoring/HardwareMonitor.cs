using System.Text.Json;
using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Modes;
using EdgeAgent.Hardware.Signals;

namespace EdgeAgent.Hardware.Monitoring;

/// <summary>A record the monitor asks to be written: <c>fault.raised</c>, <c>fault.cleared</c> or <c>session</c>.</summary>
public sealed record HardwareRecord(string Type, JsonElement Data);

/// <summary>
/// Samples the rig's sensors, each at its profile period, and feeds every signal to the mode tracker (seconds per mode
/// of <c>usage.summary</c>, <c>session</c> records) and to the fault monitor (threshold faults with hysteresis, and each
/// sensor's health: missing at open, bus errors while read). Every evaluation interval it adds the camera's and the
/// microphone's <c>active</c> signals and evaluates the modes. The caller drives it with <see cref="Step"/> every
/// <see cref="Tick"/> from one loop (a live <c>PeriodicTimer</c>, or a fake clock in tests) and writes the records it
/// returns. Not thread-safe: one loop owns it.
/// </summary>
public sealed class HardwareMonitor
{
    private readonly SensorRig _rig;
    private readonly ModeTracker _modes;
    private readonly FaultMonitor _faults;
    private readonly MediaActivity _media;
    private readonly TimeProvider _time;
    private readonly long[] _due;
    private readonly long[] _period;
    private readonly long _evaluate;
    private readonly string[] _mediaSignals;
    private readonly string[] _mediaSensors;
    private readonly List<HardwareRecord> _pending = [];
    private readonly SignalSink _sink;
    private long _nextEvaluation;

    public HardwareMonitor(SensorRig rig, ModeTracker modes, ModeSpec spec, FaultMonitor faults, MediaActivity media, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(rig);
        ArgumentNullException.ThrowIfNull(modes);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(time);
        (_rig, _modes, _faults, _media, _time) = (rig, modes, faults, media, time);
        _period = [.. rig.Channels.Select(c => Ticks(c.Period))];
        _due = new long[_period.Length];
        _evaluate = Ticks(spec.Evaluate);
        _mediaSensors = [.. rig.MediaSensors.Select(s => s.Id)];
        _mediaSignals = [.. _mediaSensors.Select(id => $"{id}.active")];
        var shortest = rig.Channels.Select(c => c.Period).Append(spec.Evaluate).Min();
        Tick = shortest < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : shortest;
        _sink = (signal, value, timestamp) =>
        {
            _modes.Observe(signal, value, timestamp);
            Collect(_faults.Observe(signal, value, timestamp));
        };
    }

    /// <summary>How often to call <see cref="Step"/>: the shortest sensor period or evaluation interval.</summary>
    public TimeSpan Tick { get; }

    public string Mode => _modes.Mode;

    public FaultMonitor Faults => _faults;

    /// <summary>The open sensors' health and the ones that could not be opened, as fault records; sampling starts now.</summary>
    public IReadOnlyList<HardwareRecord> Start()
    {
        var now = _time.GetTimestamp();
        foreach (var failure in _rig.Failures)
        {
            Collect(_faults.SensorMissing(failure.Sensor.Id, failure.Reason, failure.Failure));
        }

        foreach (var channel in _rig.Channels)
        {
            Collect(_faults.SensorOpened(channel.Name));
        }

        Array.Fill(_due, now);
        _nextEvaluation = now + _evaluate;
        return Drain();
    }

    /// <summary>Samples the sensors that are due at <paramref name="now"/> and, when due, evaluates the modes.</summary>
    public IReadOnlyList<HardwareRecord> Step(long now)
    {
        for (var i = 0; i < _due.Length; i++)
        {
            if (now < _due[i])
            {
                continue;
            }

            // A late loop does not read a sensor twice to catch up: the next read is one period from now.
            _due[i] += _period[i];
            if (_due[i] <= now)
            {
                _due[i] = now + _period[i];
            }

            var channel = _rig.Channels[i];
            switch (channel.Sample(now, _sink))
            {
                case SampleOutcome.BusFault:
                    Collect(_faults.ReadFailed(channel.Name, channel.LastFault!));
                    break;
                default:
                    Collect(_faults.ReadSucceeded(channel.Name));
                    break;
            }
        }

        if (now >= _nextEvaluation)
        {
            _nextEvaluation = Math.Max(_nextEvaluation + _evaluate, now + 1);
            for (var i = 0; i < _mediaSensors.Length; i++)
            {
                _modes.Observe(_mediaSignals[i], _media.IsActive(_mediaSensors[i], now) ? 1 : 0, now);
            }

            if (_modes.Evaluate(now).EndedSession is { } session)
            {
                _pending.Add(new HardwareRecord(SessionData.RecordType, session.ToJson()));
            }
        }

        return Drain();
    }

    /// <summary>At shutdown: the open session, ended now.</summary>
    public IReadOnlyList<HardwareRecord> Stop()
    {
        if (_modes.Stop(_time.GetTimestamp()) is { } session)
        {
            _pending.Add(new HardwareRecord(SessionData.RecordType, session.ToJson()));
        }

        return Drain();
    }

    /// <summary>A duration in timestamp ticks, in integers: through a double, 43 ms at 10 MHz came out one tick short.</summary>
    private long Ticks(TimeSpan span) => (long)((Int128)span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private void Collect(IReadOnlyList<FaultTransition> transitions)
    {
        foreach (var t in transitions)
        {
            _pending.Add(new HardwareRecord(t.RecordType, t.ToJson()));
        }
    }

    private List<HardwareRecord> Drain()
    {
        var drained = new List<HardwareRecord>(_pending);
        _pending.Clear();
        return drained;
    }
}
