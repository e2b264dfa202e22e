using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Sim.Faults;
using EdgeAgent.Sim.Outbox;
using EdgeAgent.Sim.Records;
using EdgeAgent.Sim.Report;
using EdgeAgent.Storage.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Sim.Fleet;

/// <summary>
/// Runs a fleet: starts the devices over the ramp, makes each device's records at its rate (one loop for all, each
/// device at its own phase), injects the faults, prints a progress line every interval, and at the end stops every
/// device cleanly, waits for the hub to acknowledge what is left and returns the summary.
/// </summary>
internal sealed class FleetRunner(FleetSettings settings, TextWriter progress, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>Most unacknowledged devices the summary describes one by one.</summary>
    private const int UnacknowledgedSample = 10;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly FleetCounters _counters = new();
    private readonly Dictionary<FaultKind, FaultTally> _tallies = [];
    private readonly Lock _tallyGate = new();
    private readonly JsonArray _samples = [];
    private long _start;

    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var members = settings.Members;
        var random = new Random(settings.Seed);
        var noRtc = Choose(FaultKind.NoRtc, members.Count, random);
        var drifting = settings.Faults.Where(f => f.Kind == FaultKind.Drift).Select(f => (f.Ppm, Devices: Choose(f, members.Count, random))).ToList();
        var devices = new VirtualDevice[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var ppm = drifting.Where(d => d.Devices.Contains(i)).Sum(d => d.Ppm);
            devices[i] = new VirtualDevice(
                new DeviceSetup(m.Serial, ProductMix.Known[m.Product], FleetDirectory.Key(settings.FleetDirectory, m.Serial), noRtc.Contains(i), ppm, await OpenOutboxAsync(m.Serial, cancellationToken).ConfigureAwait(false), (settings.Seed * 100_003) + i),
                settings.Mqtt, _counters, loggers, time);
        }

        foreach (var (kind, chosen) in new[] { (FaultKind.NoRtc, noRtc) }.Concat(drifting.Select(d => (FaultKind.Drift, d.Devices))))
        {
            foreach (var i in chosen)
            {
                Tally(kind, devices[i].Serial, null);
            }
        }

        var scheduled = settings.Faults.Where(f => f.IsEvent && f.RatePerSecond is null)
            .SelectMany(f => Choose(f, members.Count, random).Select(i => (Fault: f, Device: i, At: settings.Ramp + ((0.25 + (random.NextDouble() * 0.5)) * (settings.Duration - settings.Ramp)))))
            // A drifting device reconnects once in the middle of the run: the publisher syncs the clock on every connect, so
            // its boot gets a second clock.sync, and the drift shows as the change of offset_ms between the two.
            .Concat(drifting.SelectMany(d => d.Devices).Distinct().Select(i => (Fault: settings.Faults.First(f => f.Kind == FaultKind.Drift), Device: i, At: settings.Ramp + (0.5 * (settings.Duration - settings.Ramp)))))
            .OrderBy(s => s.At).ToList();
        var started = new bool[devices.Length];
        var rssBefore = settings.HubMemory?.ResidentMb();
        var faults = new List<Task>();
        _start = time.GetTimestamp();
        var startMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"edgesim: {devices.Length} devices ({string.Join(", ", members.GroupBy(m => m.Product).Select(g => $"{g.Count()} {g.Key}"))}), {settings.Rate} records/s each, " +
            $"ramp {settings.Ramp.TotalSeconds} s, run {settings.Duration.TotalSeconds} s, broker {settings.Mqtt.Broker}, outbox {settings.Outbox.ToString().ToLowerInvariant()}")).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progressLoop = ProgressLoopAsync(devices, stop.Token);
        try
        {
            var period = 1 / settings.Rate;
            var due = new double[devices.Length];
            var nextStart = 0;
            var nextScheduled = 0;
            var nextFaultSecond = Math.Ceiling(settings.Ramp.TotalSeconds);
            var pending = new List<Task>();
            var records = new List<Task>(devices.Length);
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = Elapsed.TotalSeconds;
                if (now >= settings.Duration.TotalSeconds)
                {
                    break;
                }

                // Ramp: device i starts at i/N of the ramp.
                var starting = new List<Task>();
                while (nextStart < devices.Length && (settings.Ramp == TimeSpan.Zero || nextStart * settings.Ramp.TotalSeconds / devices.Length <= now))
                {
                    var i = nextStart++;
                    starting.Add(devices[i].StartAsync(cancellationToken));
                    started[i] = true;
                    due[i] = now + (random.NextDouble() * period);
                }

                await Task.WhenAll(starting).ConfigureAwait(false);
                records.Clear();
                for (var i = 0; i < nextStart; i++)
                {
                    if (due[i] <= now)
                    {
                        records.Add(devices[i].MakeRecordAsync(cancellationToken));
                        due[i] = due[i] + period < now - 1 ? now + period : due[i] + period;
                    }
                }

                await Task.WhenAll(records).ConfigureAwait(false);
                while (nextScheduled < scheduled.Count && scheduled[nextScheduled].At.TotalSeconds <= now)
                {
                    var s = scheduled[nextScheduled++];
                    faults.Add(InjectAsync(s.Fault.Kind, devices[s.Device], cancellationToken));
                }

                if (now >= nextFaultSecond)
                {
                    nextFaultSecond++;
                    foreach (var f in settings.Faults.Where(f => f.RatePerSecond is not null))
                    {
                        for (var i = 0; i < nextStart; i++)
                        {
                            if (random.NextDouble() < f.RatePerSecond)
                            {
                                faults.Add(InjectAsync(f.Kind, devices[i], cancellationToken));
                            }
                        }
                    }

                    faults.RemoveAll(t => t.IsCompleted);
                }

                var left = Tick - TimeSpan.FromSeconds(Elapsed.TotalSeconds - now);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            var endMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            var madeAtEnd = _counters.Made;
            var ackedAtEnd = _counters.Acknowledged;
            var runSeconds = Elapsed.TotalSeconds;
            await Task.WhenAll(faults).ConfigureAwait(false);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"edgesim: run over after {runSeconds:F1} s; stopping {nextStart} devices (power.state off), waiting up to {settings.Drain.TotalSeconds} s for the hub's acknowledgements")).ConfigureAwait(false);
            var drainStart = time.GetTimestamp();
            await Task.WhenAll(devices.Take(nextStart).Select(d => d.StopAsync(settings.Drain, CancellationToken.None))).ConfigureAwait(false);
            var drainSeconds = time.GetElapsedTime(drainStart).TotalSeconds;
            await stop.CancelAsync().ConfigureAwait(false);
            await progressLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Summary(devices, nextStart, startMs, endMs, runSeconds, madeAtEnd, ackedAtEnd, drainSeconds, rssBefore);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await progressLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var d in devices)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Elapsed => time.GetElapsedTime(_start);

    private async Task<IOutbox> OpenOutboxAsync(string serial, CancellationToken cancellationToken)
    {
        if (settings.Outbox == OutboxMode.Memory)
        {
            return new MemoryOutbox();
        }

        var state = Directory.CreateDirectory(Path.Combine(settings.FleetDirectory, "state", serial));
        return await SqliteOutboxFactory.OpenAsync(Path.Combine(state.FullName, "outbox.db"), new OutboxOptions(), time, loggers.CreateLogger("EdgeAgent.Storage.Outbox"), cancellationToken).ConfigureAwait(false);
    }

    private HashSet<int> Choose(FaultKind kind, int count, Random random) =>
        settings.Faults.FirstOrDefault(f => f.Kind == kind) is { } spec ? Choose(spec, count, random) : [];

    private static HashSet<int> Choose(FaultSpec spec, int count, Random random)
    {
        var n = spec.Share >= 1 ? count : Math.Max(1, (int)Math.Round(spec.Share * count));
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return [.. order.Take(n)];
    }

    private async Task InjectAsync(FaultKind kind, VirtualDevice device, CancellationToken cancellationToken)
    {
        try
        {
            switch (kind)
            {
                case FaultKind.Disconnect:
                    Tally(kind, device.Serial, null);
                    await device.DisconnectAsync(settings.DisconnectFor, cancellationToken).ConfigureAwait(false);
                    break;
                case FaultKind.Reset:
                    await device.ResetAsync(cancellationToken).ConfigureAwait(false);
                    Tally(kind, device.Serial, new JsonObject { ["boot"] = device.Boot });
                    break;
                case FaultKind.Duplicate:
                    var n = await device.DuplicateAsync(settings.DuplicateRecords, cancellationToken).ConfigureAwait(false);
                    Tally(kind, device.Serial, new JsonObject { ["records"] = n });
                    break;
                case FaultKind.Drift:
                    Tally(kind, device.Serial, new JsonObject { ["resync"] = true }, counted: false);
                    await device.DisconnectAsync(settings.DisconnectFor, cancellationToken).ConfigureAwait(false);
                    break;
                case FaultKind.Tamper:
                    Tally(kind, device.Serial, new JsonObject { ["seq"] = device.Tamper() });
                    break;
                default:
                    throw new InvalidOperationException($"{kind} is not an event");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Tally(FaultKind kind, string device, JsonObject? detail, bool counted = true)
    {
        lock (_tallyGate)
        {
            if (!_tallies.TryGetValue(kind, out var t))
            {
                t = _tallies[kind] = new FaultTally();
            }

            if (counted)
            {
                t.Injected++;
                t.Devices.Add(device);
            }

            if (t.Events.Count < 200)
            {
                var e = detail ?? [];
                e["device"] = device;
                e["at_s"] = Math.Round(Elapsed.TotalSeconds, 1);
                t.Events.Add(e);
            }
        }
    }

    private async Task ProgressLoopAsync(VirtualDevice[] devices, CancellationToken cancellationToken)
    {
        var lastAcked = 0L;
        var lastAt = 0.0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(settings.Progress, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var connected = devices.Count(d => d.Connected);
            _counters.SetConnected(connected);
            var refused = devices.Sum(d => d.BatchesRefused);
            var at = Elapsed.TotalSeconds;
            var acked = _counters.Acknowledged;
            var rate = (acked - lastAcked) / Math.Max(0.001, at - lastAt);
            (lastAcked, lastAt) = (acked, at);
            var rss = settings.HubMemory?.ResidentMb();
            var sample = new JsonObject
            {
                ["t_s"] = Math.Round(at, 1),
                ["connected"] = connected,
                ["made"] = _counters.Made,
                ["acknowledged"] = acked,
                ["acknowledged_per_s"] = Math.Round(rate, 0),
                ["p99_ms"] = _counters.Latency.Percentile(0.99),
                ["batches_refused"] = refused,
            };
            if (rss is not null)
            {
                sample["hub_rss_mb"] = new JsonArray([.. rss.Select(r => (JsonNode?)r)]);
            }

            lock (_samples)
            {
                _samples.Add(sample);
            }

            string faultText;
            lock (_tallyGate)
            {
                var events = _tallies.Where(t => t.Key is not (FaultKind.NoRtc or FaultKind.Drift)).ToList();
                faultText = events.Count == 0 ? "none" : string.Join(", ", events.Select(t => $"{FaultSpec.Name(t.Key)} {t.Value.Injected}"));
            }

            var memory = rss is null ? "" : $" | hub rss {string.Join("+", rss.Select(r => r?.ToString("F0", CultureInfo.InvariantCulture) ?? "gone"))} MB";
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{at,6:F0} s] connected {connected}/{devices.Length} | made {_counters.Made} acked {acked} ({rate:F0}/s) | p50 {_counters.Latency.Percentile(0.5)} p99 {_counters.Latency.Percentile(0.99)} ms | refused {refused} | faults {faultText}{memory}")).ConfigureAwait(false);
        }
    }

    /// <summary>Where a device whose records were not all acknowledged stood when the run ended (its publisher's last status).</summary>
    private static JsonNode Describe(VirtualDevice device)
    {
        var status = device.Publisher;
        return new JsonObject
        {
            ["serial"] = device.Serial,
            ["last_appended"] = device.Outbox.LastAppended,
            ["acked"] = device.Outbox.Acked,
            ["sent_seq"] = status?.SentSeq,
            ["connected"] = status?.Connected,
            ["reconnects"] = status?.Reconnects,
            ["batches_sent"] = device.BatchesSent,
            ["batches_refused"] = device.BatchesRefused,
            ["last_ack_at"] = status?.LastAckAt?.ToString("O", CultureInfo.InvariantCulture),
            ["last_error"] = status?.LastError,
        };
    }

    private JsonObject Summary(VirtualDevice[] devices, int started, long startMs, long endMs, double runSeconds, long madeAtEnd, long ackedAtEnd, double drainSeconds, IReadOnlyList<double?>? rssBefore)
    {
        var steadyFromMs = startMs + (long)settings.Ramp.TotalMilliseconds;
        var steadySeconds = Math.Max(0.001, (endMs - steadyFromMs) / 1000.0);
        var heldAfterRamp = _samples.Select(s => (double)s!["t_s"]!).Zip(_samples.Select(s => (int)s!["connected"]!))
            .Where(p => p.First >= settings.Ramp.TotalSeconds && p.First <= runSeconds).Select(p => p.Second).DefaultIfEmpty(0).Min();
        var unacknowledged = devices.Take(started).Where(d => d.Outbox.Acked < d.Outbox.LastAppended).ToList();
        var summary = new JsonObject
        {
            ["devices"] = devices.Length,
            ["started"] = started,
            ["products"] = new JsonObject(settings.Members.GroupBy(m => m.Product).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))),
            ["outbox"] = settings.Outbox.ToString().ToLowerInvariant(),
            ["broker"] = settings.Mqtt.Broker,
            ["rate_per_device"] = settings.Rate,
            ["ramp_s"] = settings.Ramp.TotalSeconds,
            ["duration_s"] = Math.Round(runSeconds, 1),
            ["drain_s"] = Math.Round(drainSeconds, 1),
            ["connected_peak"] = _counters.ConnectedPeak,
            ["connected_held_min_after_ramp"] = heldAfterRamp,
            ["records_made"] = _counters.Made,
            ["records_acknowledged"] = _counters.Acknowledged,
            ["records_unacknowledged"] = _counters.Made - _counters.Acknowledged,
            ["devices_unacknowledged"] = unacknowledged.Count,
            ["unacknowledged_sample"] = new JsonArray([.. unacknowledged.Take(UnacknowledgedSample).Select(Describe)]),
            ["resent_records_acknowledged_again"] = _counters.AcknowledgedAgain,
            ["batches_sent"] = devices.Take(started).Sum(d => d.BatchesSent),
            ["batches_refused_over_quota"] = devices.Take(started).Sum(d => d.BatchesRefused),
            ["append_failures"] = _counters.AppendFailures,
            ["made_per_s_after_ramp"] = Math.Round(madeAtEnd / Math.Max(0.001, runSeconds), 0),
            ["acknowledged_per_s_during_run"] = Math.Round(ackedAtEnd / Math.Max(0.001, runSeconds), 0),
            ["latency_ms"] = new JsonObject
            {
                ["count"] = _counters.Latency.Count,
                ["p50"] = _counters.Latency.Percentile(0.5),
                ["p90"] = _counters.Latency.Percentile(0.9),
                ["p99"] = _counters.Latency.Percentile(0.99),
                ["max"] = _counters.Latency.MaxMs,
            },
            ["faults"] = new JsonArray([.. settings.Faults.Select(f =>
            {
                _tallies.TryGetValue(f.Kind, out var t);
                return (JsonNode)new JsonObject
                {
                    ["kind"] = FaultSpec.Name(f.Kind),
                    ["spec"] = f.Text,
                    ["injected"] = t?.Injected ?? 0,
                    ["devices"] = new JsonArray([.. (t?.Devices ?? []).Order(StringComparer.Ordinal).Take(1000).Select(d => (JsonNode)d)]),
                    ["events"] = new JsonArray([.. (t?.Events ?? []).Select(e => e.DeepClone())]),
                    ["hub_should_show"] = f.HubShouldShow,
                };
            })]),
            ["samples"] = _samples.DeepClone(),
        };
        if (unacknowledged.Count > 0)
        {
            summary["unacknowledged_examples"] = new JsonArray([.. unacknowledged.Take(10).Select(d => (JsonNode)$"{d.Serial}: acked {d.Outbox.Acked} of {d.Outbox.LastAppended}")]);
        }

        if (settings.Hub is { } hub)
        {
            var counts = hub.Read(steadyFromMs, endMs);
            summary["hub"] = new JsonObject
            {
                ["source"] = hub.Source,
                ["records_stored"] = counts.Stored,
                ["stored_after_ramp_during_run"] = counts.StoredInWindow,
                ["stored_per_s_after_ramp"] = Math.Round(counts.StoredInWindow / steadySeconds, 0),
                ["window_s"] = Math.Round(steadySeconds, 1),
                ["rejections"] = new JsonObject(counts.Rejections.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
            };
        }

        if (settings.HubMemory is { } memory)
        {
            var rss = _samples.Where(s => s!["hub_rss_mb"] is not null).Select(s => s!["hub_rss_mb"]!.AsArray()).ToList();
            summary["hub_memory"] = new JsonObject
            {
                ["pids"] = new JsonArray([.. memory.Pids.Select(p => (JsonNode)p)]),
                ["rss_mb_before_start"] = new JsonArray([.. (rssBefore ?? []).Select(r => (JsonNode?)r)]),
                ["rss_mb_first_sample"] = rss.FirstOrDefault()?.DeepClone(),
                ["rss_mb_last_sample"] = rss.LastOrDefault()?.DeepClone(),
                ["rss_mb_now"] = new JsonArray([.. memory.ResidentMb().Select(r => (JsonNode?)r)]),
            };
        }

        return summary;
    }

    private sealed class FaultTally
    {
        public long Injected { get; set; }

        public HashSet<string> Devices { get; } = new(StringComparer.Ordinal);

        public List<JsonObject> Events { get; } = [];
    }
}
