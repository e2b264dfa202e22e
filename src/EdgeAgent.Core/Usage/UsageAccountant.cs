using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Usage;

/// <summary>What the device is doing, for the seconds-per-mode of <c>usage.summary</c>.</summary>
public enum UsageMode
{
    Operate,
    Idle,
    Charge,
    Fault,
}

/// <summary>
/// Rolls the device's use up into <c>usage.summary</c> records: seconds per usage class and per product mode (from the
/// monotonic clock; a product mode is the profile's name for what the device does, e.g. <c>flying</c>), calls,
/// failures and p50/p95/p99 latency per model, and frames dropped, each for the interval since the previous
/// <see cref="TakeSummary"/>. The counters it reads (<see cref="InferenceUsage"/>) are cumulative and lock-free on the
/// hot path; the accountant keeps their values at the last take and reports the difference. Thread-safe.
/// </summary>
public sealed class UsageAccountant
{
    private readonly TimeProvider _time;
    private readonly InferenceUsage _usage;
    private readonly Lock _gate = new();
    private readonly TimeSpan[] _inMode = new TimeSpan[4];
    private readonly Dictionary<string, TimeSpan> _inProductMode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Calls, long Failures, LatencySnapshot Latency)> _previous = new(StringComparer.Ordinal);
    private UsageMode _mode;
    private string? _productMode;
    private long _modeSince;
    private long _periodStart;
    private long _framesDropped;
    private long _frames;
    private TimeSpan _credited;

    public UsageAccountant(TimeProvider time, InferenceUsage usage, UsageMode initialMode = UsageMode.Idle)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(usage);
        _time = time;
        _usage = usage;
        _mode = initialMode;
        _modeSince = _periodStart = time.GetTimestamp();
    }

    public UsageMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }
    }

    /// <summary>The product mode the time counts to, if one was set (see <see cref="SetMode(UsageMode, string?)"/>).</summary>
    public string? ProductMode
    {
        get
        {
            lock (_gate)
            {
                return _productMode;
            }
        }
    }

    /// <summary>From now on the time counts to <paramref name="mode"/> and to no product mode.</summary>
    public void SetMode(UsageMode mode) => SetMode(mode, null);

    /// <summary>
    /// From now on the time counts to the class <paramref name="mode"/> and, when <paramref name="productMode"/> is not
    /// null, to that product mode in the summary's <c>modes</c> (e.g. <c>SetMode(UsageMode.Operate, "flying")</c>).
    /// </summary>
    public void SetMode(UsageMode mode, string? productMode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be one of Operate, Idle, Charge, Fault");
        }

        if (productMode is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(productMode);
        }

        lock (_gate)
        {
            Accrue(_time.GetTimestamp());
            _mode = mode;
            _productMode = productMode;
        }
    }

    /// <summary>
    /// Counts <paramref name="duration"/> to <paramref name="mode"/> (and to the period) in the current interval: time
    /// this process's monotonic clock did not see because the board was suspended, counted for it by the companion
    /// microcontroller (EdgeAgent.Hardware's CompanionLink credits its standby seconds as <see cref="UsageMode.Idle"/>).
    /// </summary>
    public void Credit(UsageMode mode, TimeSpan duration)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be one of Operate, Idle, Charge, Fault");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_gate)
        {
            _inMode[(int)mode] += duration;
            _credited += duration;
        }
    }

    /// <summary>Frames (images, audio clips, sensor windows) a pipeline processed: the product KPI "frames processed"; lock-free.</summary>
    public void AddFrames(long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _frames, count);
    }

    /// <summary>Frames a pipeline dropped (its buffer was full); lock-free.</summary>
    public void AddFramesDropped(long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _framesDropped, count);
    }

    /// <summary>The interval since the previous take (or construction), and starts the next one.</summary>
    public UsageSummary TakeSummary()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Accrue(now);
            var period = _time.GetElapsedTime(_periodStart, now) + _credited;
            _credited = TimeSpan.Zero;
            var seconds = _inMode.Select(Seconds).ToArray();
            Array.Clear(_inMode);
            var modes = _inProductMode.Count == 0
                ? null
                : new SortedDictionary<string, double>(_inProductMode.ToDictionary(m => m.Key, m => Seconds(m.Value), StringComparer.Ordinal), StringComparer.Ordinal);
            _inProductMode.Clear();
            _periodStart = now;

            var models = new SortedDictionary<string, ModelInterval>(StringComparer.Ordinal);
            foreach (var model in _usage.Snapshot())
            {
                var latency = model.Latency.Snapshot();
                var (calls, failures) = (model.Calls, model.Failures);
                _previous.TryGetValue(model.Model, out var before);
                var interval = latency.Since(before.Latency);
                _previous[model.Model] = (calls, failures, latency);
                if (calls == before.Calls && failures == before.Failures)
                {
                    continue; // not used in this interval
                }

                models[model.Model] = new ModelInterval(calls - before.Calls, failures - before.Failures,
                    Ms(interval.Percentile(0.50)), Ms(interval.Percentile(0.95)), Ms(interval.Percentile(0.99)));
            }

            return new UsageSummary(Seconds(period), seconds[0], seconds[1], seconds[2], seconds[3], modes, models, Interlocked.Exchange(ref _frames, 0), Interlocked.Exchange(ref _framesDropped, 0));
        }
    }

    private void Accrue(long now)
    {
        var elapsed = _time.GetElapsedTime(_modeSince, now);
        _inMode[(int)_mode] += elapsed;
        if (_productMode is not null && elapsed > TimeSpan.Zero)
        {
            _inProductMode[_productMode] = _inProductMode.GetValueOrDefault(_productMode) + elapsed;
        }

        _modeSince = now;
    }

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

    private static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 3);
}

/// <summary>One model's use in a summary interval.</summary>
public sealed record ModelInterval(
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p95_ms")] double P95Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms);

/// <summary>
/// The data of a <c>usage.summary</c> record: one interval of the device's use. <see cref="Modes"/> holds the seconds
/// per product mode that had time in the interval (null, and absent from the JSON, when no product mode was set);
/// they add up to <see cref="PeriodS"/> (to rounding) when a product mode was set throughout, as a
/// <c>ModeTracker</c> does from its construction.
/// </summary>
public sealed record UsageSummary(
    [property: JsonPropertyName("period_s")] double PeriodS,
    [property: JsonPropertyName("operate_s")] double OperateS,
    [property: JsonPropertyName("idle_s")] double IdleS,
    [property: JsonPropertyName("charge_s")] double ChargeS,
    [property: JsonPropertyName("fault_s")] double FaultS,
    [property: JsonPropertyName("modes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Modes,
    [property: JsonPropertyName("inferences")] IReadOnlyDictionary<string, ModelInterval> Inferences,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("frames_dropped")] long FramesDropped)
{
    /// <summary>The record data, e.g. <c>{"period_s":900,"operate_s":612,...,"fault_s":0,"modes":{"active":612,"worn":288},"inferences":{"blazeface":{...}},"frames":18360,"frames_dropped":0}</c>.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, UsageJsonContext.Default.UsageSummary);
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(UsageSummary))]
internal sealed partial class UsageJsonContext : JsonSerializerContext;
