using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using EdgeAgent.Mqtt;
using EdgeAgent.Sim.Faults;
using EdgeAgent.Sim.Fleet;
using EdgeAgent.Sim.Hosting;
using EdgeAgent.Sim.Records;
using EdgeAgent.Sim.Report;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Sim.Cli;

/// <summary><c>edgesim run</c>: the fleet against a hub, with faults, progress lines and a summary.</summary>
internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string DefaultProducts = "smart-glasses,inspection-drone,service-robot";

    public static Option<string> ProductsOption(string description) => new("--products")
    {
        Description = $"{description} Comma-separated, of: {string.Join(", ", ProductMix.Known.Keys)}. Default {DefaultProducts}.",
        DefaultValueFactory = _ => DefaultProducts,
    };

    public static bool TryProducts(string text, out IReadOnlyList<string> products, [NotNullWhen(false)] out string? problem)
    {
        products = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
        var unknown = products.Where(p => !ProductMix.Known.ContainsKey(p)).ToList();
        problem = products.Count == 0 ? $"--products '{text}': name at least one of {string.Join(", ", ProductMix.Known.Keys)}"
            : unknown.Count > 0 ? $"--products: unknown product(s) {string.Join(", ", unknown)}; allowed: {string.Join(", ", ProductMix.Known.Keys)}"
            : null;
        return problem is null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "edgesim is not trimmed; MqttOptions' validation attributes are on its own members.")]
    public static Command Build()
    {
        var dir = new Option<DirectoryInfo>("--dir") { Description = "A fleet directory made by `edgesim provision` (its devices enrolled at the hub).", Required = true };
        var broker = new Option<string>("--broker") { Description = "The hub's MQTT broker, mqtt://HOST:PORT.", Required = true };
        var devices = new Option<int?>("--devices") { Description = "Run the first N devices of the fleet (of the products asked for). Default: all." };
        var products = ProductsOption("Run only devices of these products.");
        var rate = new Option<double>("--rate") { Description = "Records per second per device (0.01-100). Default 1.", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Seconds of record making, the ramp included. Default 60.", DefaultValueFactory = _ => 60 };
        var ramp = new Option<double>("--ramp") { Description = "Seconds over which the devices start (and connect), evenly spread. Default 10.", DefaultValueFactory = _ => 10 };
        var fault = new Option<string[]>("--fault")
        {
            Description = "A fault to inject (repeatable): " + FaultSpec.Syntax + ". The summary says what the hub should show for each.",
            AllowMultipleArgumentsPerToken = false,
        };
        var disconnectFor = new Option<double>("--disconnect-for") { Description = "Seconds a disconnect lasts (0.1-600). Default 3.", DefaultValueFactory = _ => 3 };
        var duplicates = new Option<int>("--duplicate-records") { Description = $"Acknowledged records a duplicate fault sends again (1-{Outbox.ObservedOutbox.Kept}). Default 10.", DefaultValueFactory = _ => 10 };
        var progress = new Option<double>("--progress") { Description = "Seconds between progress lines (0.5-3600). Default 10.", DefaultValueFactory = _ => 10 };
        var drain = new Option<double>("--drain") { Description = "At the end, seconds to wait for the hub to acknowledge everything (0-3600). Default 60.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Seed of the record mix, the fault choices and the phases. Default 1.", DefaultValueFactory = _ => 1 };
        var outbox = new Option<string>("--outbox")
        {
            Description = "memory (default): an in-memory implementation of Core's outbox port, not durable, what makes 10,000 devices in one " +
                "process possible; sqlite: the real SQLite outbox (synchronous=FULL), one database per device under DIR/state, for small fleets.",
            DefaultValueFactory = _ => "memory",
        };
        outbox.AcceptOnlyFromAmong("memory", "sqlite");
        var batchDelay = new Option<double>("--batch-delay-ms") { Description = "Mqtt:BatchMaxDelay of every publisher, ms (0-60000). Default 200, the agent's.", DefaultValueFactory = _ => 200 };
        var ackTimeout = new Option<double>("--ack-timeout") { Description = "Mqtt:AckTimeout of every publisher, seconds (0.1-3600). Default 15, the agent's (shorter makes a slow hub slower: every device sends its whole window again).", DefaultValueFactory = _ => 15 };
        var hubDb = new Option<FileInfo?>("--hub-db") { Description = "The embedded hub's SQLite database: the summary adds what the hub stored (records, per second after the ramp, rejections per reason), read from it." };
        var hubStore = new Option<string?>("--hub-store") { Description = "The scale-out hub's PostgreSQL store, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (the password may come from PGPASSWORD): the same figures as --hub-db, read from it." };
        var hubPid = new Option<int[]>("--hub-pid") { Description = "A hub process (repeatable): its resident memory is sampled with every progress line." };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the summary as JSON to this file." };
        var command = new Command(
            "run",
            "Run the fleet against a hub: the devices start over the ramp (each writes power.state on and, once in its life, " +
            "device.activated; its publisher connects and syncs the clock), make their product's record mix at the rate, take the " +
            "faults, and at the end stop cleanly (power.state off) and wait for the hub's acknowledgements. Prints a progress " +
            "line every interval and a JSON summary: devices connected and held, records made and acknowledged, records/s, " +
            "p50/p99 record-to-acknowledgement latency, faults injected and what the hub should show for them. Raises the " +
            "process's open-file limit to its hard limit (one socket per device). Exit 1 when records are left unacknowledged.");
        foreach (var o in new Option[] { dir, broker, devices, products, rate, duration, ramp, fault, disconnectFor, duplicates, progress, drain, seed, outbox, batchDelay, ackTimeout, hubDb, hubStore, hubPid, output })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            void Range(string name, double value, double min, double max)
            {
                if (double.IsNaN(value) || value < min || value > max)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value}: must be between {min} and {max}"));
                }
            }

            Range("--rate", parse.GetValue(rate), 0.01, 100);
            Range("--duration", parse.GetValue(duration), 1, 7 * 24 * 3600);
            Range("--ramp", parse.GetValue(ramp), 0, parse.GetValue(duration));
            Range("--disconnect-for", parse.GetValue(disconnectFor), 0.1, 600);
            Range("--duplicate-records", parse.GetValue(duplicates), 1, Outbox.ObservedOutbox.Kept);
            Range("--progress", parse.GetValue(progress), 0.5, 3600);
            Range("--drain", parse.GetValue(drain), 0, 3600);
            Range("--batch-delay-ms", parse.GetValue(batchDelay), 0, 60_000);
            Range("--ack-timeout", parse.GetValue(ackTimeout), 0.1, 3600);
            var faults = new List<FaultSpec>();
            foreach (var text in parse.GetValue(fault) ?? [])
            {
                if (FaultSpec.TryParse(text, out var spec, out var problem))
                {
                    faults.Add(spec!);
                }
                else
                {
                    problems.Add(problem!);
                }
            }

            foreach (var kind in faults.Where(f => f.Kind != FaultKind.Drift).GroupBy(f => f.Kind).Where(g => g.Count() > 1))
            {
                problems.Add($"--fault {FaultSpec.Name(kind.Key)} is given {kind.Count()} times; give each fault once (drift may repeat)");
            }

            if (!TryProducts(parse.GetValue(products)!, out var productList, out var productProblem))
            {
                problems.Add(productProblem);
            }

            var mqtt = new MqttOptions
            {
                Broker = parse.GetValue(broker)!,
                KeepAlive = TimeSpan.FromSeconds(60),
                ReconnectMin = TimeSpan.FromSeconds(1),
                ReconnectMax = TimeSpan.FromSeconds(30),
                BatchMaxDelay = TimeSpan.FromMilliseconds(parse.GetValue(batchDelay)),
                AckTimeout = TimeSpan.FromSeconds(parse.GetValue(ackTimeout)),
                SessionExpiry = TimeSpan.FromHours(1),
            };
            var validation = new List<ValidationResult>();
            if (!Validator.TryValidateObject(mqtt, new ValidationContext(mqtt), validation, validateAllProperties: true))
            {
                problems.AddRange(validation.Select(v => $"--broker: {v.ErrorMessage}"));
            }

            IReadOnlyList<FleetMember> members = [];
            var root = parse.GetValue(dir)!.FullName;
            try
            {
                members = [.. FleetDirectory.Read(root).Where(m => productList.Contains(m.Product))];
            }
            catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
            {
                problems.Add($"--dir {root}: {e.Message}");
            }

            if (parse.GetValue(devices) is { } n)
            {
                if (n < 1 || n > members.Count)
                {
                    problems.Add($"--devices {n}: the fleet under {root} has {members.Count} devices of {string.Join(",", productList)}; give 1-{members.Count}");
                }
                else
                {
                    members = [.. members.Take(n)];
                }
            }

            var db = parse.GetValue(hubDb);
            if (db is not null && !db.Exists)
            {
                problems.Add($"--hub-db {db.FullName}: no such file (the hub's database, edgehub serve --db)");
            }

            IHubCounts? hubCounts = db is null ? null : new SqliteHubCounts(db.FullName);
            if (parse.GetValue(hubStore) is { } store)
            {
                if (db is not null)
                {
                    problems.Add("--hub-db and --hub-store: give one (the embedded hub's SQLite database, or the scale-out hub's PostgreSQL store)");
                }
                else if (PostgresHubCounts.TryCreate(store, out var counts, out var problem))
                {
                    hubCounts = counts;
                }
                else
                {
                    problems.Add($"--hub-store {problem}");
                }
            }

            if (problems.Count > 0)
            {
                foreach (var p in problems)
                {
                    await stderr.WriteLineAsync($"error: {p}").ConfigureAwait(false);
                }

                return ExitCodes.BadInput;
            }

            if (FileDescriptorLimit.RaiseToHard() is { } limit)
            {
                await stdout.WriteLineAsync($"edgesim: open-file limit {limit.Soft} (hard {limit.Hard})").ConfigureAwait(false);
                if (limit.Soft < (ulong)members.Count + 64)
                {
                    await stderr.WriteLineAsync($"warning: the open-file limit {limit.Soft} is below {members.Count} devices + 64; raise the hard limit (ulimit -Hn) or run fewer devices").ConfigureAwait(false);
                }
            }

            using var tally = new TallyLoggerProvider(stderr);
            using var loggers = LoggerFactory.Create(b => b.AddProvider(tally).SetMinimumLevel(LogLevel.Warning));
            var settings = new FleetSettings
            {
                FleetDirectory = root,
                Members = members,
                Mqtt = mqtt,
                Rate = parse.GetValue(rate),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Ramp = TimeSpan.FromSeconds(parse.GetValue(ramp)),
                Faults = faults,
                DisconnectFor = TimeSpan.FromSeconds(parse.GetValue(disconnectFor)),
                DuplicateRecords = parse.GetValue(duplicates),
                Progress = TimeSpan.FromSeconds(parse.GetValue(progress)),
                Drain = TimeSpan.FromSeconds(parse.GetValue(drain)),
                Seed = parse.GetValue(seed),
                Outbox = parse.GetValue(outbox) == "sqlite" ? OutboxMode.Sqlite : OutboxMode.Memory,
                Hub = hubCounts,
                HubMemory = parse.GetValue(hubPid) is { Length: > 0 } pids ? new ProcessMemory(pids) : null,
            };
            var summary = await new FleetRunner(settings, stdout, loggers, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
            summary["log"] = new System.Text.Json.Nodes.JsonObject(tally.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (System.Text.Json.Nodes.JsonNode?)c.Value)));
            var json = summary.ToJsonString(Indented);
            var brief = summary.DeepClone().AsObject();
            brief.Remove("samples");
            foreach (var f in brief["faults"]!.AsArray())
            {
                f!.AsObject().Remove("events");
                f.AsObject().Remove("devices");
            }

            await stdout.WriteLineAsync(brief.ToJsonString(Indented)).ConfigureAwait(false);
            if (parse.GetValue(output) is { } file)
            {
                file.Directory?.Create();
                await File.WriteAllTextAsync(file.FullName, json, ct).ConfigureAwait(false);
                await stdout.WriteLineAsync($"edgesim: summary written to {file.FullName}").ConfigureAwait(false);
            }

            return (long)summary["records_unacknowledged"]! == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
