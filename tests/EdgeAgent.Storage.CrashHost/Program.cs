using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Storage.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

// append <db> <first seq> <writers>: starts a boot (exits 4 unless the head is <first seq> - 1), then appends ~300-byte records (every 5th evidence, the rest telemetry) from
//   <writers> concurrent tasks until killed, printing "<seq>\n" only after AppendAsync returned Stored; every 97th
//   record also acknowledges up to 50 below it, so acknowledgements are killed mid-way too.
// bench <db> <writers> <records>: appends <records> records from <writers> tasks and prints "<appends/s> <transactions>".
return args switch
{
    ["append", var db, var first, var writers] => await AppendUntilKilledAsync(db, long.Parse(first, CultureInfo.InvariantCulture), int.Parse(writers, CultureInfo.InvariantCulture)),
    ["bench", var db, var writers, var records] => await BenchAsync(db, int.Parse(writers, CultureInfo.InvariantCulture), int.Parse(records, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: append <db> <first seq> <writers> | bench <db> <writers> <records>");
    return 2;
}

// Each record names the one before by a hash that depends on the seq only, so a restarted host continues the chain.
static string HashOf(long seq) =>
    seq == 0 ? EvidenceRecord.GenesisPrev : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"test-{seq}")));

static OutboxRecord Record(long seq, byte[] payload) =>
    seq % 5 == 0
        ? new OutboxRecord(seq, RecordClass.Evidence, RecordTypes.UsageSummary, HashOf(seq), HashOf(seq - 1), payload)
        : new OutboxRecord(seq, RecordClass.Telemetry, RecordTypes.EnvSample, HashOf(seq), HashOf(seq - 1), payload);

static async Task<int> AppendUntilKilledAsync(string db, long first, int writers)
{
    var options = new OutboxOptions { MaxBytes = 1L << 30, MaxTelemetryBytes = 1L << 30, MaxTelemetryAge = TimeSpan.FromDays(365) };
    await using var outbox = await SqliteOutboxFactory.OpenAsync(db, options, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    var state = await outbox.StartBootAsync(CancellationToken.None);
    if (state.Head.Seq != first - 1 || state.Head.Hash != HashOf(first - 1))
    {
        await Console.Error.WriteLineAsync($"the head is seq {state.Head.Seq} ({state.Head.Hash}), not seq {first - 1}");
        return 4;
    }

    var stdout = Console.Out; // autoflushed and synchronized
    await stdout.WriteLineAsync("ready");
    var gate = new Lock();
    var next = first;
    var payload = new byte[300];
    Random.Shared.NextBytes(payload);

    async Task WriteAsync()
    {
        while (true)
        {
            long seq;
            ValueTask<AppendOutcome> append;
            lock (gate)
            {
                seq = next++;
                append = outbox.AppendAsync(Record(seq, payload), CancellationToken.None);
            }

            if (await append != AppendOutcome.Stored)
            {
                await Console.Error.WriteLineAsync($"seq {seq} was not stored");
                Environment.Exit(3);
            }

            await stdout.WriteLineAsync(seq.ToString(CultureInfo.InvariantCulture));
            if (seq % 97 == 0)
            {
                await outbox.AcknowledgeAsync(seq - 50, CancellationToken.None);
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteAsync)));
    return 0;
}

static async Task<int> BenchAsync(string db, int writers, int records)
{
    var options = new OutboxOptions { MaxBytes = 1L << 30, MaxTelemetryBytes = 1L << 30 };
    await using var outbox = await SqliteOutboxFactory.OpenAsync(db, options, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    var gate = new Lock();
    long next = 1;
    var payload = new byte[300];

    async Task WriteAsync()
    {
        while (true)
        {
            ValueTask<AppendOutcome> append;
            lock (gate)
            {
                if (next > records)
                {
                    return;
                }

                append = outbox.AppendAsync(Record(next++, payload), CancellationToken.None);
            }

            await append;
        }
    }

    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteAsync)));
    clock.Stop();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{records / clock.Elapsed.TotalSeconds:F0} appends/s with {writers} writer(s), {records} records in {clock.Elapsed.TotalMilliseconds:F0} ms"));
    return 0;
}
