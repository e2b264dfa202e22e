using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.Mqtt;
using EdgeAgent.Storage.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EdgeAgent.Mqtt.Benchmarks;

namespace EdgeAgent.Device.Benchmarks;

/// <summary>How <c>edgeagent bench evidence</c> runs.</summary>
internal sealed record EvidenceBenchmarkSettings(string StateDirectory, string Broker, int Records, int Writers, int Rounds, int BatchMaxRecords, int BatchMaxBytes, TimeSpan BatchMaxDelay, int MaxInFlightBatches);

/// <summary>One side's timed rounds.</summary>
internal sealed record RateRounds(double Median, IReadOnlyList<double> Rounds);

/// <summary>What <c>edgeagent bench evidence</c> measured.</summary>
/// <param name="Agent">Records/s from the first append to the hub's acknowledgement of the last (durable at both ends).</param>
/// <param name="Raw">Messages/s of a plain MQTTnet QoS 1 publish loop, one message of <see cref="BytesPerRecord"/> bytes per record, each PublishAsync awaited.</param>
/// <param name="Ratio">Agent median ÷ raw median.</param>
/// <param name="BytesPerRecord">Mean encoded record size (the raw loop's payload size).</param>
/// <param name="BatchesPerRound">Mean batches the publisher sent per timed round.</param>
internal sealed record EvidenceBenchmarkResult(
    string Device, string Broker, int Records, int Writers, int Rounds, int BatchMaxRecords, int BatchMaxBytes, double BatchMaxDelayMs, int MaxInFlightBatches,
    RateRounds Agent, RateRounds Raw, double Ratio, int BytesPerRecord, double BatchesPerRound, double RecordsPerBatch);

/// <summary>
/// The evidence path end to end on this machine: the real outbox (SQLite, WAL, synchronous=FULL), ledger and publisher
/// over a provisioned and enrolled state directory, <c>W</c> writers appending usage-like evidence records as fast as they
/// can, the clock stopping when the hub has acknowledged the last one (verified, stored, committed at the hub; the
/// outbox's checkpoint moved). The baseline, in the same run and to the same broker: a plain MQTTnet client publishing
/// the same number of messages of the mean record size at QoS 1, one awaited PublishAsync after another, on the device's
/// state topic, which ingestion does not read. The two alternate round by round after a warm-up of each, and the medians are compared.
/// </summary>
internal sealed class EvidenceBenchmark(EvidenceBenchmarkSettings settings, TimeProvider time, ILoggerFactory loggers, TextWriter progress)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public async Task<EvidenceBenchmarkResult> RunAsync(CancellationToken ct)
    {
        var (identity, key) = new IdentityStore(settings.StateDirectory, time).Load();
        using var _ = key;
        await using var outbox = await SqliteOutboxFactory.OpenAsync(
            Path.Combine(settings.StateDirectory, "outbox.db"), new OutboxOptions(), time, loggers.CreateLogger("EdgeAgent.Storage.Outbox"), ct).ConfigureAwait(false);
        var signal = new AppendSignal();
        var digest = Convert.ToHexStringLower(SHA256.HashData("edgeagent bench evidence"u8));
        using var ledger = await DeviceLedger.OpenAsync(
            outbox, identity, key, new DeviceClock(time, SystemClockTrust.None), new LedgerDigests(digest, digest, digest), signal,
            loggers.CreateLogger<DeviceLedger>(), ct).ConfigureAwait(false);

        var data = Enumerable.Range(0, 16).Select(UsageData).ToArray();

        // Warm-up records, written before the publisher starts so their real encoded size can be read back.
        var warmUp = Math.Min(settings.BatchMaxRecords * 4, Math.Max(settings.Records / 4, 1));
        await AppendAsync(ledger, data, warmUp, ct).ConfigureAwait(false);
        var acked = await outbox.AcknowledgedAsync(ct).ConfigureAwait(false);
        var held = await outbox.ReadAsync(acked, 5_000, ct).ConfigureAwait(false);
        var bytesPerRecord = (int)Math.Round(held.Where(r => !r.IsDropped).Average(r => r.Payload.Length));

        var mqtt = new MqttOptions
        {
            Broker = settings.Broker,
            BatchMaxRecords = settings.BatchMaxRecords,
            BatchMaxBytes = settings.BatchMaxBytes,
            BatchMaxDelay = settings.BatchMaxDelay,
            MaxInFlightBatches = settings.MaxInFlightBatches,
            DrainTimeout = TimeSpan.Zero,
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(2),
        };
        using var publisher = new OutboxPublisher(outbox, ledger, ledger, signal, Options.Create(mqtt), time, loggers.CreateLogger<OutboxPublisher>());
        await publisher.StartAsync(ct).ConfigureAwait(false);
        try
        {
            await WaitForAsync(publisher, s => s.Connected, "the publisher to connect", ct).ConfigureAwait(false);
            await WaitForAsync(publisher, s => s.AckedSeq >= ledger.Head.Seq, "the hub to acknowledge the warm-up records", ct).ConfigureAwait(false);

            // The device's own state topic: a device may publish there (the hub's broker refuses topics of no device) and ingestion does not read it.
            var rawTopic = Topics.State(identity.ProductId, identity.DeviceId);
            var payload = new byte[bytesPerRecord];
            RandomNumberGenerator.Fill(payload);
            await using var raw = await RawPublishLoop.ConnectAsync(settings.Broker, $"bench-raw-{identity.DeviceId}", ct).ConfigureAwait(false);
            await raw.PublishAsync(rawTopic, payload, warmUp, ct).ConfigureAwait(false);
            progress.WriteLine($"warmed up: {warmUp} records through the agent, {warmUp} raw messages of {bytesPerRecord} bytes");

            var agentRates = new List<double>();
            var rawRates = new List<double>();
            var batches = 0L;
            var recordsSent = 0L;
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Alternate which side goes first, so a drift in the machine's load falls on both.
                var agentFirst = round % 2 == 1;
                if (!agentFirst)
                {
                    rawRates.Add(await TimeRawAsync(raw, rawTopic, payload, round, ct).ConfigureAwait(false));
                }

                var before = publisher.Status;
                agentRates.Add(await TimeAgentAsync(publisher, ledger, data, round, ct).ConfigureAwait(false));
                var after = publisher.Status;
                batches += after.BatchesSent - before.BatchesSent;
                recordsSent += after.RecordsSent - before.RecordsSent;
                if (agentFirst)
                {
                    rawRates.Add(await TimeRawAsync(raw, rawTopic, payload, round, ct).ConfigureAwait(false));
                }
            }

            var agent = new RateRounds(Median(agentRates), agentRates);
            var rawRounds = new RateRounds(Median(rawRates), rawRates);
            return new EvidenceBenchmarkResult(
                identity.DeviceId, settings.Broker, settings.Records, settings.Writers, settings.Rounds, settings.BatchMaxRecords, settings.BatchMaxBytes, settings.BatchMaxDelay.TotalMilliseconds,
                settings.MaxInFlightBatches, agent, rawRounds, agent.Median / rawRounds.Median, bytesPerRecord,
                (double)batches / settings.Rounds, batches == 0 ? 0 : (double)recordsSent / batches);
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<double> TimeAgentAsync(OutboxPublisher publisher, DeviceLedger ledger, JsonElement[] data, int round, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await AppendAsync(ledger, data, settings.Records, ct).ConfigureAwait(false);
        var appended = clock.Elapsed;
        var head = ledger.Head.Seq;
        await WaitForAsync(publisher, s => s.AckedSeq >= head, $"the hub to acknowledge up to seq {head}", ct).ConfigureAwait(false);
        clock.Stop();
        var rate = settings.Records / clock.Elapsed.TotalSeconds;
        progress.WriteLine(FormattableString.Invariant(
            $"round {round} agent: {settings.Records} records by {settings.Writers} writers, all durable on the device after {appended.TotalMilliseconds:F0} ms, acknowledged by the hub after {clock.Elapsed.TotalMilliseconds:F0} ms: {rate:F0} records/s"));
        return rate;
    }

    private async Task<double> TimeRawAsync(RawPublishLoop raw, string topic, byte[] payload, int round, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await raw.PublishAsync(topic, payload, settings.Records, ct).ConfigureAwait(false);
        clock.Stop();
        var rate = settings.Records / clock.Elapsed.TotalSeconds;
        progress.WriteLine(FormattableString.Invariant(
            $"round {round} raw: {settings.Records} QoS 1 publishes of {payload.Length} bytes, each awaited: {clock.Elapsed.TotalMilliseconds:F0} ms, {rate:F0} messages/s"));
        return rate;
    }

    /// <summary><paramref name="count"/> records by <see cref="EvidenceBenchmarkSettings.Writers"/> concurrent writers, each awaiting its append (durable) before the next.</summary>
    private async Task AppendAsync(DeviceLedger ledger, JsonElement[] data, int count, CancellationToken ct)
    {
        var writers = Math.Min(settings.Writers, count);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = (count / writers) + (w < count % writers ? 1 : 0);
            for (var i = 0; i < mine; i++)
            {
                await ledger.AppendAsync(RecordTypes.UsageSummary, data[(w + i) % data.Length], ct).ConfigureAwait(false);
            }
        }, ct))).ConfigureAwait(false);
    }

    private async Task WaitForAsync(OutboxPublisher publisher, Func<PublisherStatus, bool> done, string what, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (!done(publisher.Status))
        {
            if (time.GetElapsedTime(started) > Patience)
            {
                var s = publisher.Status;
                throw new TimeoutException($"gave up waiting {Patience.TotalSeconds:F0} s for {what}: connected {s.Connected}, sent up to {s.SentSeq}, acknowledged up to {s.AckedSeq}, last error {s.LastError ?? "none"}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), time, ct).ConfigureAwait(false);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A 15-minute usage summary of a terminal running one model, shaped like the agent's.</summary>
    private static JsonElement UsageData(int variant)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("period_s", 900);
            w.WriteNumber("operate_s", 612.4 + variant);
            w.WriteNumber("idle_s", 287.6 - variant);
            w.WriteNumber("charge_s", 0);
            w.WriteNumber("fault_s", 0);
            w.WriteStartObject("inferences");
            w.WriteStartObject("blazeface");
            w.WriteNumber("calls", 18_360 + (variant * 37));
            w.WriteNumber("failures", 0);
            w.WriteNumber("p50_ms", 1.41);
            w.WriteNumber("p95_ms", 2.15);
            w.WriteNumber("p99_ms", 3.02);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNumber("frames", 18_360 + (variant * 37));
            w.WriteNumber("frames_dropped", variant % 3);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
