using System.Diagnostics;
using EdgeAgent.Hub.Devices;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Benchmarks;

/// <summary>What <c>edgehub bench</c> measured.</summary>
/// <param name="Records">Records per timed round.</param>
/// <param name="Batch">Records per batch.</param>
/// <param name="Group">Batches per transaction (the writer loop's group commit).</param>
/// <param name="Rounds">Timed rounds (each a fresh device in the same database).</param>
/// <param name="RecordsPerSecond">Median over the rounds.</param>
/// <param name="RoundRecordsPerSecond">Every round, in order.</param>
/// <param name="BytesPerRecord">Mean encoded record size.</param>
/// <param name="BatchBytes">Mean batch payload size.</param>
/// <param name="Synchronous">The hub database's synchronous pragma while measuring (2 = FULL).</param>
internal sealed record IngestBenchmarkResult(
    int Records, int Batch, int Group, int Rounds, double RecordsPerSecond, IReadOnlyList<double> RoundRecordsPerSecond,
    double BytesPerRecord, double BatchBytes, long Synchronous, string JournalMode);

/// <summary>
/// Verification plus storage without MQTT: synthetic devices with real keys make signed batches, enrol themselves in a
/// temporary hub database (WAL, synchronous=FULL, as <see cref="HubStore.Open"/> always opens it), and
/// <see cref="IngestionProcessor"/> takes them in groups, one transaction per group, as the ingestion writer loop does.
/// Batches are made before the clock starts: signing is the device's work, not the hub's.
/// </summary>
internal static class IngestBenchmark
{
    private const string Product = "smart-glasses";

    /// <summary>
    /// On a PostgreSQL store (<paramref name="postgres"/>): <paramref name="workers"/> processors, each with its own
    /// connection and its own devices, ingest at once, as that many <c>serve --store</c> workers would (no MQTT);
    /// the figure is all their records over the round's wall time. Each run's devices have fresh ids.
    /// </summary>
    public static IngestBenchmarkResult RunPostgres(string postgres, int workers, int records, int batch, int group, int rounds, ILogger logger, TextWriter progress)
    {
        var stores = Enumerable.Range(0, workers).Select(_ => PostgresStore.Open(postgres)).ToList();
        try
        {
            var processors = stores.Select(s => new IngestionProcessor(s, TimeProvider.System, logger, s, TimeSpan.FromSeconds(30))).ToList();
            var run = Guid.NewGuid().ToString("N")[..8];
            Parallel.For(0, workers, w =>
            {
                using var warm = Enrol(stores[w], $"BENCH-{run}-W{w}");
                Ingest(processors[w], stores[w], warm, Math.Max(batch * group * 2, records / 4), batch, group);
            });
            var perRound = new List<double>(rounds);
            for (var round = 1; round <= rounds; round++)
            {
                var devices = Enumerable.Range(0, workers).Select(w => Enrol(stores[w], $"BENCH-{run}-{round:D3}-{w}")).ToList();
                var made = devices.Select(d => Batches(d, records, batch)).ToList();
                var clock = Stopwatch.StartNew();
                Parallel.For(0, workers, w => Check(processors[w], stores[w], devices[w], made[w], records, group));
                clock.Stop();
                var rate = (double)records * workers / clock.Elapsed.TotalSeconds;
                perRound.Add(rate);
                progress.WriteLine(FormattableString.Invariant($"round {round}: {workers} worker(s) x {records} records in batches of {batch}, {group} per transaction: {clock.Elapsed.TotalMilliseconds:F0} ms, {rate:F0} records/s"));
                devices.ForEach(d => d.Dispose());
            }

            processors.ForEach(p => p.Dispose());
            var sorted = perRound.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            return new IngestBenchmarkResult(records * workers, batch, group, rounds, median, perRound, 0, 0, -1, $"postgresql, {workers} worker(s)");
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }
    }

    public static IngestBenchmarkResult Run(string databasePath, int records, int batch, int group, int rounds, ILogger logger, TextWriter progress)
    {
        using var store = HubStore.Open(databasePath);
        using var processor = new IngestionProcessor(store, TimeProvider.System, logger);
        var synchronous = Convert.ToInt64(store.Scalar("PRAGMA synchronous;"), System.Globalization.CultureInfo.InvariantCulture);
        var journal = Convert.ToString(store.Scalar("PRAGMA journal_mode;"), System.Globalization.CultureInfo.InvariantCulture) ?? "";

        // Warm-up on its own device: the JIT's first pass, SQLite's caches and the key import are not in the figure.
        using (var warm = Enrol(store, "BENCH-WARM"))
        {
            Ingest(processor, store, warm, Math.Max(batch * group * 2, records / 4), batch, group);
        }

        var perRound = new List<double>(rounds);
        long bytes = 0, payloads = 0, batches = 0;
        for (var round = 1; round <= rounds; round++)
        {
            using var device = Enrol(store, $"BENCH-{round:D3}");
            var (elapsed, made) = Ingest(processor, store, device, records, batch, group);
            bytes += device.RecordBytes;
            payloads += made.Sum(b => (long)b.Payload.Length);
            batches += made.Count;
            var rate = records / elapsed.TotalSeconds;
            perRound.Add(rate);
            progress.WriteLine(FormattableString.Invariant($"round {round}: {records} records in {made.Count} batches of {batch}, {group} per transaction: {elapsed.TotalMilliseconds:F0} ms, {rate:F0} records/s"));
        }

        var sorted = perRound.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return new IngestBenchmarkResult(records, batch, group, rounds, median, perRound, (double)bytes / ((long)records * rounds), (double)payloads / batches, synchronous, journal);
    }

    private static SyntheticDevice Enrol(IChainStore store, string deviceId)
    {
        var device = new SyntheticDevice(deviceId, Product);
        if (!DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out var problem))
        {
            device.Dispose();
            throw new InvalidOperationException($"the benchmark's own key was refused: {problem}");
        }

        store.Enroll(new DeviceRow(deviceId, Product, pem, keyId, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()));
        return device;
    }

    private static List<IncomingBatch> Batches(SyntheticDevice device, int records, int batch)
    {
        var made = new List<IncomingBatch>();
        for (var left = records; left > 0; left -= batch)
        {
            made.Add(new IncomingBatch(device.EventsTopic, device.NextBatch(Math.Min(batch, left))));
        }

        return made;
    }

    private static (TimeSpan Elapsed, List<IncomingBatch> Batches) Ingest(IngestionProcessor processor, IIngestionStore store, SyntheticDevice device, int records, int batch, int group)
    {
        var made = Batches(device, records, batch);
        var clock = Stopwatch.StartNew();
        Check(processor, store, device, made, records, group);
        clock.Stop();
        return (clock.Elapsed, made);
    }

    private static void Check(IngestionProcessor processor, IIngestionStore store, SyntheticDevice device, List<IncomingBatch> made, int records, int group)
    {
        foreach (var chunk in made.Chunk(group))
        {
            foreach (var ack in processor.Process(chunk))
            {
                if (ack.Ack.Rejected.Count > 0)
                {
                    throw new InvalidOperationException($"the hub rejected {ack.Ack.Rejected.Count} benchmark record(s), first seq {ack.Ack.Rejected[0].Seq}: {ack.Ack.Rejected[0].Reason}");
                }
            }
        }

        var head = store.Head(device.DeviceId)?.Seq ?? 0;
        if (head != records)
        {
            throw new InvalidOperationException($"device {device.DeviceId}: the hub holds up to seq {head} after ingesting {records} records");
        }
    }
}
