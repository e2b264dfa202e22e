using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Core.Identity;
using EdgeAgent.Device.Benchmarks;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent bench evidence</c>: append to hub acknowledgement, against a plain MQTTnet QoS 1 loop.</summary>
internal static class BenchEvidenceCommand
{
    public static Command Build()
    {
        var broker = new Option<string>("--broker") { Description = "The hub's broker, mqtt://HOST:PORT.", Required = true };
        var stateDir = new Option<DirectoryInfo>("--state-dir")
        {
            Description = "A provisioned (with --consent) state directory whose device is enrolled at the running hub; its outbox.db is used.",
            Required = true,
        };
        var records = BoundedOption.Int("--records", "Records per timed round (and raw messages per baseline round).", 50_000, 100, 10_000_000);
        var writers = BoundedOption.Int("--writers", "Concurrent appenders, each awaiting its append (durable) before the next; one group commit takes what they have queued.", 64, 1, 1_000);
        var rounds = BoundedOption.Int("--rounds", "Timed rounds per side after the warm-up, alternating; medians are reported.", 3, 1, 100);
        var batch = BoundedOption.Int("--batch", "Mqtt:BatchMaxRecords of the publisher.", 500, 1, 5_000);
        var batchBytes = BoundedOption.Int("--batch-bytes", "Mqtt:BatchMaxBytes of the publisher (the agent's default).", 1_048_576, 4_096, 1_048_576);
        var inFlight = BoundedOption.Int("--in-flight", "Mqtt:MaxInFlightBatches of the publisher.", 8, 1, 1_000);
        var delay = new Option<double>("--batch-delay-ms") { Description = "Mqtt:BatchMaxDelay of the publisher, in ms (the agent's default, 200).", DefaultValueFactory = _ => 200 };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the results as JSON to this file." };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Least level of the agent components' log on stderr (Debug shows every batch and acknowledgement). Default Warning.",
            DefaultValueFactory = _ => LogLevel.Warning,
        };
        var command = new Command(
            "evidence",
            "Measure the evidence path on this machine: W writers append usage records through the real ledger and SQLite outbox " +
            "(synchronous=FULL) while the publisher sends them to the hub; the clock stops when the hub has acknowledged the last " +
            "(verified and stored). Baseline in the same run: a plain MQTTnet client publishing as many QoS 1 messages of the mean " +
            "record size to the same broker, each awaited. Prints records/s, messages/s and their ratio.");
        foreach (var option in new Option[] { broker, stateDir, records, writers, rounds, batch, batchBytes, inFlight, delay, output, logLevel })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var delayMs = parse.GetValue(delay);
            if (delayMs is < 0 or > 60_000)
            {
                await stderr.WriteLineAsync("error: --batch-delay-ms must be between 0 and 60000").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            var settings = new EvidenceBenchmarkSettings(
                parse.GetValue(stateDir)!.FullName, parse.GetValue(broker)!, parse.GetValue(records), parse.GetValue(writers), parse.GetValue(rounds),
                parse.GetValue(batch), parse.GetValue(batchBytes), TimeSpan.FromMilliseconds(delayMs), parse.GetValue(inFlight));
            using var loggers = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .AddFilter("Microsoft", LogLevel.Warning)
                .SetMinimumLevel(parse.GetValue(logLevel)));
            try
            {
                var result = await new EvidenceBenchmark(settings, TimeProvider.System, loggers, stderr).RunAsync(ct).ConfigureAwait(false);
                await stdout.WriteLineAsync(Summary(result)).ConfigureAwait(false);
                if (parse.GetValue(output) is { } file)
                {
                    file.Directory?.Create();
                    await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(result, EvidenceBenchJsonContext.Default.EvidenceBenchmarkResult), ct).ConfigureAwait(false);
                    await stdout.WriteLineAsync($"written to {file.FullName}").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is DeviceNotProvisionedException or IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException or ArgumentException)
            {
                await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static string Summary(EvidenceBenchmarkResult r) => string.Create(CultureInfo.InvariantCulture,
        $"evidence end to end ({r.Broker}): agent {r.Agent.Median:F0} records/s (append → hub ack, {r.Writers} writers), raw MQTTnet QoS 1 loop " +
        $"{r.Raw.Median:F0} messages/s, ratio {r.Ratio:F2}; {r.BytesPerRecord} bytes/record, {r.BatchesPerRound:F0} batches per round of {r.Records} " +
        $"({r.RecordsPerBatch:F0} records/batch); medians of {r.Rounds} rounds");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EvidenceBenchmarkResult))]
internal sealed partial class EvidenceBenchJsonContext : JsonSerializerContext;
