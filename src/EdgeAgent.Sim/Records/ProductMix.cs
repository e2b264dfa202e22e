using System.Buffers;
using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Sim.Records;

/// <summary>One record for the ledger to append: its type and data.</summary>
internal readonly record struct SimRecord(string Type, JsonElement Data);

/// <summary>
/// The record mix of one product, after what the real agent writes (src/EdgeAgent.Contracts/Records/FORMAT.md, "Usage,
/// sessions and faults"): mostly telemetry samples and usage summaries, sessions of the product's operating mode, now and
/// then a fault raised and later cleared, a KPI, a button press. The start records (power.state, device.activated) and
/// clock.sync are written by <see cref="Fleet.VirtualDevice"/> and the publisher, as in the agent. The figures are
/// plausible, not measured: the simulator exercises the hub's path, not the reports' statistics.
/// </summary>
internal sealed class ProductMix
{
    /// <summary>The products the simulator knows, with the board its power.state names.</summary>
    public static readonly IReadOnlyDictionary<string, ProductMix> Known = new Dictionary<string, ProductMix>(StringComparer.Ordinal)
    {
        ["smart-glasses"] = new("smart-glasses", "glasses-a53", "active", "worn", "blazeface", "battery.low", "power", [("env.sample", 40), ("usage.summary", 25), ("session", 10), ("perf.kpi", 10), ("button.pressed", 10), ("fault", 5)]),
        ["inspection-drone"] = new("inspection-drone", "drone-rk3588", "flying", "armed", "yolo-lite", "motor.temperature.high", "thermal", [("env.sample", 50), ("usage.summary", 20), ("session", 15), ("perf.kpi", 10), ("fault", 5)]),
        ["service-robot"] = new("service-robot", "robot-jetson", "working", "docked", "ppocr", "bumper.stuck", "actuator", [("env.sample", 45), ("usage.summary", 25), ("session", 15), ("perf.kpi", 8), ("button.pressed", 2), ("fault", 5)]),
    };

    private readonly (string Kind, int Weight)[] _weights;
    private readonly int _total;

    private ProductMix(string product, string board, string operateMode, string idleMode, string model, string faultCode, string faultSubsystem, (string, int)[] weights)
    {
        Product = product;
        Board = board;
        OperateMode = operateMode;
        IdleMode = idleMode;
        Model = model;
        FaultCode = faultCode;
        FaultSubsystem = faultSubsystem;
        _weights = weights;
        _total = weights.Sum(w => w.Item2);
    }

    public string Product { get; }

    public string Board { get; }

    public string OperateMode { get; }

    public string IdleMode { get; }

    public string Model { get; }

    public string FaultCode { get; }

    public string FaultSubsystem { get; }

    /// <summary>A device's own generator (its open fault, its last summary and session times).</summary>
    public Generator NewGenerator(int seed) => new(this, new Random(seed));

    /// <summary>Builds record data the way the ledger wants it: a JSON object, written field by field.</summary>
    public static JsonElement Object(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>One device's sequence of records; not thread-safe (the device calls it under its own lock).</summary>
    internal sealed class Generator(ProductMix mix, Random random)
    {
        private bool _faultOpen;
        private long _lastSummaryMono;
        private long _lastSessionMono;

        /// <summary>Starts a boot: summaries and sessions count from its monotonic zero.</summary>
        public void NewBoot()
        {
            _lastSummaryMono = 0;
            _lastSessionMono = 0;
        }

        public SimRecord Next(long monoMs)
        {
            var pick = random.Next(mix._total);
            var kind = mix._weights[^1].Kind;
            foreach (var (k, w) in mix._weights)
            {
                if (pick < w)
                {
                    kind = k;
                    break;
                }

                pick -= w;
            }

            return kind switch
            {
                "env.sample" => Sample(),
                "usage.summary" => Summary(monoMs),
                "session" => Session(monoMs),
                "perf.kpi" => Kpi(),
                "button.pressed" => Button(monoMs),
                _ => Fault(),
            };
        }

        private SimRecord Sample() => new(RecordTypes.EnvSample, Object(w =>
        {
            w.WriteNumber("temperature_c", Math.Round(30 + (random.NextDouble() * 15), 1));
            w.WriteNumber("battery_pct", random.Next(15, 100));
            if (mix.Product == "inspection-drone")
            {
                w.WriteNumber("altitude_m", Math.Round(random.NextDouble() * 120, 1));
            }
        }));

        private SimRecord Summary(long monoMs)
        {
            var period = Math.Max(1, (monoMs - _lastSummaryMono) / 1000.0);
            _lastSummaryMono = monoMs;
            var operate = Math.Round(period * (0.4 + (random.NextDouble() * 0.5)), 3);
            var fault = _faultOpen ? Math.Round((period - operate) / 2, 3) : 0;
            var idle = Math.Round(period - operate - fault, 3);
            var calls = (long)(operate * 30);
            return new(RecordTypes.UsageSummary, Object(w =>
            {
                w.WriteNumber("period_s", Math.Round(period, 3));
                w.WriteNumber("operate_s", operate);
                w.WriteNumber("idle_s", idle);
                w.WriteNumber("charge_s", 0);
                w.WriteNumber("fault_s", fault);
                w.WriteStartObject("modes");
                w.WriteNumber(mix.OperateMode, operate);
                w.WriteNumber(mix.IdleMode, Math.Round(idle + fault, 3));
                w.WriteEndObject();
                w.WriteStartObject("inferences");
                w.WriteStartObject(mix.Model);
                w.WriteNumber("calls", calls);
                w.WriteNumber("failures", 0);
                w.WriteNumber("p50_ms", 2.1);
                w.WriteNumber("p95_ms", 3.4);
                w.WriteNumber("p99_ms", 4.0);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteNumber("frames", calls);
                w.WriteNumber("frames_dropped", 0);
            }));
        }

        private SimRecord Session(long monoMs)
        {
            var start = _lastSessionMono;
            _lastSessionMono = monoMs;
            return new(RecordTypes.Session, Object(w =>
            {
                w.WriteString("mode", mix.OperateMode);
                w.WriteString("class", "operate");
                w.WriteNumber("start_mono_ms", start);
                w.WriteNumber("end_mono_ms", monoMs);
                w.WriteNumber("duration_s", Math.Round((monoMs - start) / 1000.0, 3));
                w.WriteString("ended", "switch");
                w.WriteString("next", mix.IdleMode);
            }));
        }

        private SimRecord Kpi() => new(RecordTypes.PerfKpi, Object(w =>
        {
            w.WriteString("name", mix.Product == "inspection-drone" ? "flight_s" : "task_s");
            w.WriteNumber("value", Math.Round(5 + (random.NextDouble() * 60), 2));
        }));

        private SimRecord Button(long monoMs) => new(RecordTypes.ButtonPressed, Object(w =>
        {
            w.WriteString("source", "companion");
            w.WriteNumber("button", 1);
            w.WriteString("press", random.Next(10) == 0 ? "long" : "short");
            w.WriteNumber("held_ms", random.Next(80, 400));
            w.WriteNumber("companion_uptime_ms", monoMs);
        }));

        private SimRecord Fault()
        {
            var raised = !_faultOpen;
            _faultOpen = raised;
            return new(raised ? RecordTypes.FaultRaised : RecordTypes.FaultCleared, Object(w =>
            {
                w.WriteString("code", mix.FaultCode);
                w.WriteString("subsystem", mix.FaultSubsystem);
                w.WriteString("severity", "warning");
                w.WriteBoolean("relevant", true);
                w.WriteString("detail", raised ? $"{mix.FaultCode} raised by the simulator" : $"{mix.FaultCode} cleared");
            }));
        }
    }
}
