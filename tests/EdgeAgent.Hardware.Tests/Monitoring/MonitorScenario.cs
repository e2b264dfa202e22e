using System.Text.Json;
using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Monitoring;

/// <summary>A record the monitor returned, and the trace time (ms) of the call that returned it.</summary>
internal sealed record TimedRecord(long AtMs, HardwareRecord Record)
{
    public string Type => Record.Type;

    public string Code => Record.Data.GetProperty("code").GetString()!;

    public string? Sensor => Record.Data.TryGetProperty("sensor", out var s) ? s.GetString() : null;
}

/// <summary>What a run gave: the mode switches (to, at ms), the records, and the usage summary taken at the end.</summary>
internal sealed record ScenarioOutcome(
    IReadOnlyList<(string To, long AtMs)> Switches,
    IReadOnlyList<TimedRecord> Records,
    UsageSummary Summary)
{
    public IReadOnlyList<SessionData> Sessions =>
        [.. Records.Where(r => r.Type == SessionData.RecordType).Select(r => r.Record.Data.Deserialize<SessionData>()!)];

    /// <summary>(type, code, at ms) of every fault record, in the order written.</summary>
    public IReadOnlyList<(string Type, string Code, long AtMs)> Faults =>
        [.. Records.Where(r => r.Type != SessionData.RecordType).Select(r => (r.Type, r.Code, r.AtMs))];
}

/// <summary>
/// The whole hardware monitoring path as the agent wires it, on a fake clock: a shipped product profile on the
/// simulated board (loaded from the repository's <c>hardware/</c>), a <see cref="DeviceClock"/>, a
/// <see cref="UsageAccountant"/>, a <see cref="ModeTracker"/>, a <see cref="FaultMonitor"/> with the profile's rules and
/// a <see cref="MediaActivity"/>, all made at the clock's start; then the <see cref="SensorRig"/> (from a trace when
/// one is given), then <see cref="HardwareMonitor.Start"/>. <see cref="Run"/> steps the monitor every
/// <see cref="HardwareMonitor.Tick"/> from trace time 0 to the end, both included, touching the media sensors a
/// pipeline would get frames from just before the step at that time; at the end it stops the monitor (shutdown) and
/// takes the <c>usage.summary</c>.
/// </summary>
internal sealed class MonitorScenario : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly UsageAccountant _usage;
    private readonly MediaActivity _media;
    private readonly List<TimedRecord> _records = [];

    public MonitorScenario(string productId, RigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Product = ProfileLoader.LoadProduct(RepositoryRoot.Combine("hardware", "products", productId + ".json"));
        var board = ProfileLoader.LoadBoard(RepositoryRoot.Combine("hardware", "boards", "simulated.json"));
        ProfileLoader.Check(Product, board);

        var clock = new DeviceClock(_time, SystemClockTrust.None);
        _usage = new UsageAccountant(_time, new InferenceUsage());
        var spec = ProfileTranslation.Modes(Product);
        var tracker = new ModeTracker(spec, _usage, clock, _time);
        var faults = new FaultMonitor(ProfileTranslation.Faults(Product), _time);
        _media = new MediaActivity(_time);
        Rig = SensorRig.Open(Product, board, options, _time);
        Monitor = new HardwareMonitor(Rig, tracker, spec, faults, _media, _time);
        StartRecords = Monitor.Start();
        _records.AddRange(StartRecords.Select(r => new TimedRecord(0, r)));
    }

    public ProductProfile Product { get; }

    public SensorRig Rig { get; }

    public HardwareMonitor Monitor { get; }

    public IReadOnlyList<HardwareRecord> StartRecords { get; }

    /// <summary>Replays <paramref name="trace"/> for <paramref name="product"/> for <paramref name="endMs"/>; see the class.</summary>
    /// <param name="frames">Per media sensor id, whether a pipeline got a frame from it at a trace time (ms).</param>
    public static ScenarioOutcome Replay(string product, string trace, long endMs, IReadOnlyDictionary<string, Func<long, bool>>? frames = null)
    {
        using var scenario = new MonitorScenario(product, new RigOptions { Replay = trace });
        return scenario.Run(endMs, frames);
    }

    public ScenarioOutcome Run(long endMs, IReadOnlyDictionary<string, Func<long, bool>>? frames = null)
    {
        var tickMs = (long)Monitor.Tick.TotalMilliseconds;
        Assert.Equal(Monitor.Tick, TimeSpan.FromMilliseconds(tickMs));
        Assert.Equal(0, endMs % tickMs);
        var switches = new List<(string, long)>();
        var mode = Monitor.Mode;
        for (var ms = 0L; ; ms += tickMs)
        {
            foreach (var (sensor, frameAt) in frames ?? new Dictionary<string, Func<long, bool>>())
            {
                if (frameAt(ms))
                {
                    _media.Touch(sensor);
                }
            }

            _records.AddRange(Monitor.Step(_time.GetTimestamp()).Select(r => new TimedRecord(ms, r)));
            if (Monitor.Mode != mode)
            {
                mode = Monitor.Mode;
                switches.Add((mode, ms));
            }

            if (ms == endMs)
            {
                break;
            }

            _time.Advance(Monitor.Tick);
        }

        _records.AddRange(Monitor.Stop().Select(r => new TimedRecord(endMs, r)));
        return new ScenarioOutcome(switches, [.. _records], _usage.TakeSummary());
    }

    public void Dispose() => Rig.Dispose();
}
