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
/// Rolls the device's use up into <c>usage.summary</c> records: seconds per mode (from the monotonic clock), calls,
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
    private readonly Dictionary<string, (long Calls, long Failures, LatencySnapshot Latency)> _previous = new(StringComparer.Ordinal);
    private UsageMode _mode;
    private long _modeSince;
    private long _periodStart;
    private long _framesDropped;
    private long _frames;

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

    /// <summary>From now on the time counts to <paramref name="mode"/>.</summary>
    public void SetMode(UsageMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be one of Operate, Idle, Charge, Fault");
        }

        lock (_gate)
        {
            Accrue(_time.GetTimestamp());
            _mode = mode;
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
            var period = _time.GetElapsedTime(_periodStart, now);
            var seconds = _inMode.Select(Seconds).ToArray();
            Array.Clear(_inMode);
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

            return new UsageSummary(Seconds(period), seconds[0], seconds[1], seconds[2], seconds[3], models, Interlocked.Exchange(ref _frames, 0), Interlocked.Exchange(ref _framesDropped, 0));
        }
    }

    private void Accrue(long now)
    {
        _inMode[(int)_mode] += _time.GetElapsedTime(_modeSince, now);
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

/// <summary>The data of a <c>usage.summary</c> record: one interval of the device's use.</summary>
public sealed record UsageSummary(
    [property: JsonPropertyName("period_s")] double PeriodS,
    [property: JsonPropertyName("operate_s")] double OperateS,
    [property: JsonPropertyName("idle_s")] double IdleS,
    [property: JsonPropertyName("charge_s")] double ChargeS,
    [property: JsonPropertyName("fault_s")] double FaultS,
    [property: JsonPropertyName("inferences")] IReadOnlyDictionary<string, ModelInterval> Inferences,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("frames_dropped")] long FramesDropped)
{
    /// <summary>The record data, e.g. <c>{"period_s":900,"operate_s":612,...,"inferences":{"blazeface":{...}},"frames":18360,"frames_dropped":0}</c>.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, UsageJsonContext.Default.UsageSummary);
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(UsageSummary))]
internal sealed partial class UsageJsonContext : JsonSerializerContext;
