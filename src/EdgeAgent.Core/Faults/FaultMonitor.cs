using System.Globalization;

namespace EdgeAgent.Core.Faults;

/// <summary>Why a sensor could not be opened.</summary>
public enum SensorOpenFailure
{
    /// <summary>Nothing answered at its address or device path: <c>sensor.missing</c>.</summary>
    Missing,

    /// <summary>Something answered but its identity register names another chip: <c>sensor.identity</c>.</summary>
    WrongIdentity,
}

/// <summary>A fault raised and not yet cleared.</summary>
public sealed record ActiveFault(string Code, string? Sensor, FaultSubsystem Subsystem, FaultSeverity Severity, bool Relevant);

/// <summary>
/// Turns signal samples and sensor health into fault transitions: the profile's <see cref="ThresholdFault"/>s, and the
/// built-in sensor faults, per sensor: <c>sensor.missing</c> / <c>sensor.identity</c> when it cannot be opened (cleared
/// when it opens), <c>sensor.bus_error</c> after <see cref="BusErrorAfter"/> reads in a row failed with a bus fault
/// (cleared by the next read that does not). A fault is raised once until it is cleared (repeats are not reported), and
/// a clear is only ever reported for a raised fault. Each method returns the transitions it caused (usually none), in
/// the order to write them. Thread-safe (one lock), so every sensor loop can report into one monitor.
/// </summary>
public sealed class FaultMonitor
{
    public const string SensorMissingCode = "sensor.missing";
    public const string SensorIdentityCode = "sensor.identity";
    public const string SensorBusErrorCode = "sensor.bus_error";

    /// <summary>
    /// Bus-faulted reads in a row before <c>sensor.bus_error</c>: one NACK on a long I2C cable or a brown-out is noise
    /// that the next poll rides out; three in a row is a sensor the product has lost.
    /// </summary>
    public const int DefaultBusErrorAfter = 3;

    private static readonly FaultTransition[] None = [];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, RuleState[]> _bySignal = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Code, string Sensor), ActiveFault> _sensorFaults = [];
    private readonly Dictionary<string, int> _failuresInARow = new(StringComparer.Ordinal);

    public FaultMonitor(IEnumerable<ThresholdFault> rules, TimeProvider time, int busErrorAfter = DefaultBusErrorAfter)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(busErrorAfter, 1);
        _time = time;
        BusErrorAfter = busErrorAfter;
        var codes = new HashSet<string>(StringComparer.Ordinal) { SensorMissingCode, SensorIdentityCode, SensorBusErrorCode };
        foreach (var rule in rules)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
            if (!codes.Add(rule.Code))
            {
                throw new ArgumentException($"fault code '{rule.Code}' is used twice or is a built-in sensor fault; codes must be unique", nameof(rules));
            }

            _bySignal[rule.Signal] = [.. _bySignal.GetValueOrDefault(rule.Signal, []), new RuleState(rule)];
        }
    }

    public int BusErrorAfter { get; }

    /// <summary>A sample of a signal: raises or clears the threshold faults on it.</summary>
    public IReadOnlyList<FaultTransition> Observe(string signal, double value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{signal}: a sample must be a finite number; a missing reading is no sample");
        }

        lock (_gate)
        {
            if (!_bySignal.TryGetValue(signal, out var states))
            {
                return None;
            }

            List<FaultTransition>? changes = null;
            foreach (var state in states)
            {
                if (Step(state, value, timestamp) is { } change)
                {
                    (changes ??= []).Add(change);
                }
            }

            return changes ?? (IReadOnlyList<FaultTransition>)None;
        }
    }

    /// <summary>The sensor opened and identified itself: clears its <c>sensor.missing</c> and <c>sensor.identity</c>.</summary>
    public IReadOnlyList<FaultTransition> SensorOpened(string sensor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        lock (_gate)
        {
            var changes = new List<FaultTransition>(2);
            AddIfAny(changes, ClearSensor(SensorMissingCode, sensor, $"{sensor}: opened"));
            AddIfAny(changes, ClearSensor(SensorIdentityCode, sensor, $"{sensor}: opened and identified"));
            return changes;
        }
    }

    /// <summary>The sensor could not be opened: raises <c>sensor.missing</c> (or <c>sensor.identity</c> for a wrong chip) once.</summary>
    public IReadOnlyList<FaultTransition> SensorMissing(string sensor, string reason, SensorOpenFailure failure = SensorOpenFailure.Missing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!Enum.IsDefined(failure))
        {
            throw new ArgumentOutOfRangeException(nameof(failure), failure, "failure must be Missing or WrongIdentity");
        }

        lock (_gate)
        {
            var code = failure == SensorOpenFailure.Missing ? SensorMissingCode : SensorIdentityCode;
            return One(RaiseSensor(code, sensor, $"{sensor}: {reason}"));
        }
    }

    /// <summary>A read failed with a bus fault (an <see cref="IOException"/>): the <see cref="BusErrorAfter"/>-th in a row raises <c>sensor.bus_error</c>.</summary>
    public IReadOnlyList<FaultTransition> ReadFailed(string sensor, Exception error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            var inARow = _failuresInARow[sensor] = _failuresInARow.GetValueOrDefault(sensor) + 1;
            return inARow < BusErrorAfter
                ? None
                : One(RaiseSensor(SensorBusErrorCode, sensor, string.Create(CultureInfo.InvariantCulture,
                    $"{sensor}: {inARow} reads in a row failed; last: {error.GetType().Name}: {error.Message}")));
        }
    }

    /// <summary>
    /// A read went through without a bus fault (a <c>TryRead</c> that returned, true or false): resets the count and
    /// clears the sensor's <c>sensor.bus_error</c>.
    /// </summary>
    public IReadOnlyList<FaultTransition> ReadSucceeded(string sensor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        lock (_gate)
        {
            _failuresInARow.Remove(sensor);
            return One(ClearSensor(SensorBusErrorCode, sensor, $"{sensor}: reads succeed again"));
        }
    }

    /// <summary>The faults raised and not cleared, sensor faults first, then threshold faults in rule order.</summary>
    public IReadOnlyList<ActiveFault> Active()
    {
        lock (_gate)
        {
            return
            [
                .. _sensorFaults.Values.OrderBy(f => f.Code, StringComparer.Ordinal).ThenBy(f => f.Sensor, StringComparer.Ordinal),
                .. _bySignal.Values.SelectMany(s => s).Where(s => s.Raised)
                    .Select(s => new ActiveFault(s.Rule.Code, SensorOf(s.Rule.Signal), s.Rule.Subsystem, s.Rule.Severity, s.Rule.Relevant)),
            ];
        }
    }

    /// <summary>Whether a fault of at least <paramref name="severity"/> is active (e.g. for the status LED).</summary>
    public bool AnyActive(FaultSeverity severity = FaultSeverity.Warning) => Active().Any(f => f.Severity >= severity);

    private FaultTransition? Step(RuleState state, double value, long timestamp)
    {
        var rule = state.Rule;
        var side = rule.Direction == ThresholdDirection.Above ? "above" : "below";
        if (state.Raised)
        {
            if (!rule.ClearsAt(value))
            {
                return null;
            }

            state.Raised = false;
            return Threshold(FaultChange.Cleared, rule, value, rule.Clear,
                Invariant($"{rule.Signal} {value} {(rule.Direction == ThresholdDirection.Above ? "below" : "above")} {rule.Clear}"));
        }

        if (!rule.RaisesAt(value))
        {
            state.Since = null;
            return null;
        }

        state.Since ??= timestamp;
        var held = _time.GetElapsedTime(state.Since.Value, timestamp);
        if (held < rule.For)
        {
            return null;
        }

        state.Raised = true;
        state.Since = null;
        return Threshold(FaultChange.Raised, rule, value, rule.Raise, rule.For > TimeSpan.Zero
            ? Invariant($"{rule.Signal} {value} {side} {rule.Raise} for {held.TotalSeconds} s")
            : Invariant($"{rule.Signal} {value} {side} {rule.Raise}"));
    }

    private static FaultTransition Threshold(FaultChange change, ThresholdFault rule, double value, double threshold, string detail) =>
        new(change, rule.Code, rule.Subsystem, rule.Severity, rule.Relevant, detail, SensorOf(rule.Signal), rule.Signal, value, threshold);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private FaultTransition? RaiseSensor(string code, string sensor, string detail)
    {
        if (_sensorFaults.ContainsKey((code, sensor)))
        {
            return null;
        }

        // A sensor the product cannot read is a failure of the unit: error, and relevant for MTBF.
        var fault = new ActiveFault(code, sensor, FaultSubsystem.Sensor, FaultSeverity.Error, Relevant: true);
        _sensorFaults[(code, sensor)] = fault;
        return new FaultTransition(FaultChange.Raised, code, fault.Subsystem, fault.Severity, fault.Relevant, detail, sensor);
    }

    private FaultTransition? ClearSensor(string code, string sensor, string detail) =>
        _sensorFaults.Remove((code, sensor), out var fault)
            ? new FaultTransition(FaultChange.Cleared, code, fault.Subsystem, fault.Severity, fault.Relevant, detail, sensor)
            : null;

    private static string? SensorOf(string signal) => signal.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot ? signal[..dot] : null;

    private static IReadOnlyList<FaultTransition> One(FaultTransition? change) => change is null ? None : [change];

    private static void AddIfAny(List<FaultTransition> changes, FaultTransition? change)
    {
        if (change is not null)
        {
            changes.Add(change);
        }
    }

    private sealed class RuleState(ThresholdFault rule)
    {
        public ThresholdFault Rule { get; } = rule;

        public bool Raised { get; set; }

        /// <summary>When the current run of raising samples began.</summary>
        public long? Since { get; set; }
    }
}
