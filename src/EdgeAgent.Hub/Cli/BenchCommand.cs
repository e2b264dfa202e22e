using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Hub.Benchmarks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub bench</c>: verification plus storage, without MQTT, on this machine.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var records = Positive("--records", "Records per timed round.", 20_000, 100, 10_000_000);
        var batch = Positive("--batch", "Records per signed batch (the device's Mqtt:BatchMaxRecords).", 500, 1, 5_000);
        var group = Positive("--group", "Batches verified and stored per transaction (the ingestion writer's group commit).", 8, 1, 10_000);
        var rounds = Positive("--rounds", "Timed rounds after the warm-up; the median is reported.", 3, 1, 100);
        var output = new Option<FileInfo?>("--out") { Description = "Also write the results as JSON to this file." };
        var store = CommonOptions.Store();
        store.Description = "Measure on this PostgreSQL store (postgres://...) instead of a temporary SQLite database; benchmark devices are enrolled in it.";
        var workers = Positive("--workers", "With --store: ingestion workers (processors, each with its own connection and devices) at once.", 1, 1, 64);
        var command = new Command(
            "bench",
            "Measure verification plus storage without MQTT: a synthetic device with a real P-256 key makes signed batches of " +
            "usage records, enrols itself in a temporary hub database (WAL, synchronous=FULL), and ingestion verifies and " +
            "stores them in groups, one transaction each, after a warm-up; prints records/s.");
        command.Options.Add(records);
        command.Options.Add(batch);
        command.Options.Add(group);
        command.Options.Add(rounds);
        command.Options.Add(output);
        command.Options.Add(store);
        command.Options.Add(workers);
        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var dir = Directory.CreateTempSubdirectory("edgehub-bench-");
            try
            {
                using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
                var logger = loggers.CreateLogger("EdgeAgent.Hub.Ingestion");
                var result = parse.GetValue(store) is { } pg
                    ? IngestBenchmark.RunPostgres(pg, parse.GetValue(workers), parse.GetValue(records), parse.GetValue(batch), parse.GetValue(group), parse.GetValue(rounds), logger, stderr)
                    : IngestBenchmark.Run(Path.Combine(dir.FullName, "hub.db"), parse.GetValue(records), parse.GetValue(batch), parse.GetValue(group), parse.GetValue(rounds), logger, stderr);
                if (parse.GetValue(store) is not null)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"hub ingest on PostgreSQL (verify + store, {result.JournalMode}): {result.RecordsPerSecond:F0} records/s " +
                        $"(median of {result.Rounds} rounds of {result.Records}; batches of {result.Batch}, {result.Group} per transaction)"));
                }
                else
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"hub ingest (verify + store, synchronous={result.Synchronous}, journal {result.JournalMode}): {result.RecordsPerSecond:F0} records/s " +
                        $"(median of {result.Rounds} rounds of {result.Records}; batches of {result.Batch}, {result.Group} per transaction; {result.BytesPerRecord:F0} bytes/record)"));
                }

                if (parse.GetValue(output) is { } file)
                {
                    file.Directory?.Create();
                    await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(result, HubBenchJsonContext.Default.IngestBenchmarkResult), ct).ConfigureAwait(false);
                    stdout.WriteLine($"written to {file.FullName}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is InvalidOperationException or SqliteException or IOException or Npgsql.NpgsqlException or ArgumentException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                dir.Delete(recursive: true);
            }
        });
        return command;
    }

    private static Option<int> Positive(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {defaultValue}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
            {
                r.AddError($"{name} must be between {min} and {max}");
            }
        });
        return option;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IngestBenchmarkResult))]
internal sealed partial class HubBenchJsonContext : JsonSerializerContext;
