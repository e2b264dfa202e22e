using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub serve</c>: broker (embedded unless <c>--broker</c>) and ingestion until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var listen = new Option<string>("--listen")
        {
            Description = $"Address:port of the embedded MQTT broker (default: {HubOptions.DefaultListen}).",
            DefaultValueFactory = _ => HubOptions.DefaultListen,
        };
        var http = new Option<string>("--http")
        {
            Description = $"Address:port of the REST API and dashboard (default: {HubOptions.DefaultHttp}; port 0 picks a free one).",
            DefaultValueFactory = _ => HubOptions.DefaultHttp,
        };
        var broker = new Option<string?>("--broker") { Description = "Consume from this external broker (mqtt://HOST:PORT, or mqtts://HOST:PORT with the hub's ingestion certificate from edgehub broker-config) instead of running the embedded one." };
        var mqtts = new Option<string?>("--mqtts") { Description = "Address:port of the embedded broker's TLS listener for devices with hub certificates (mutual TLS, e.g. 0.0.0.0:8883); none by default." };
        var plainAccess = new Option<string>("--plain-access")
        {
            Description = "Who the plain --listen listener takes: 'devices' (devices without certificates, each record still checked against its enrolled key; never as the hub, never as a device with a certificate) or 'hub-only' (only the hub's ingestion; devices must use --mqtts). Default: devices.",
            DefaultValueFactory = _ => Identity.BrokerAccess.PlainDevices,
        };
        var tlsNames = new Option<string[]>("--tls-name") { Description = "A DNS name or IP address devices use to reach the hub, added to the TLS listener's server certificate; repeatable." };
        var clientId = new Option<string>("--client-id")
        {
            Description = "MQTT client id of ingestion; the broker keeps its persistent session under it (default: edgehub-ingest).",
            DefaultValueFactory = _ => "edgehub-ingest",
        };
        var profile = new Option<string>("--profile")
        {
            Description = $"Policy profile of the evidence reports the REST API serves: an id (policies/ID.json in the working directory, else beside edgehub) or a .json path (default {Policy.PolicyLoader.DefaultProfile}).",
            DefaultValueFactory = _ => Policy.PolicyLoader.DefaultProfile,
        };
        var chromium = new Option<string>("--chromium")
        {
            Description = $"Headless Chromium for the REST API's PDF reports (default {Reports.ChromiumPdf.DefaultChromium}).",
            DefaultValueFactory = _ => Reports.ChromiumPdf.DefaultChromium,
        };
        var publicUrl = new Option<string?>("--public-url") { Description = "The hub's URL as devices reach it, the root of the release and artifact URLs in model directives (default: the --http address as bound)." };
        var rolloutInterval = new Option<double>("--rollout-interval")
        {
            Description = "Seconds between two steps of the rollout engine (default 1).",
            DefaultValueFactory = _ => 1,
        };
        var store = new Option<string?>("--store")
        {
            Description = "Run as one ingestion worker of a scale-out hub on this PostgreSQL store (postgres://USER[:PASSWORD]@HOST[:PORT]/DB, or postgres:///DB?host=/SOCKET/DIR; " +
                "the password may come from PGPASSWORD) instead of the SQLite --db; needs --broker, and serves no REST API, dashboard or rollouts.",
        };
        var workerId = new Option<string>("--worker-id")
        {
            Description = "This worker's name among those sharing --store, appended to --client-id (default: host name and process id).",
            DefaultValueFactory = _ => HubOptions.DefaultWorkerId(),
        };
        var gapGrace = new Option<double>("--gap-grace")
        {
            Description = "Seconds a batch that arrived ahead of its device's head waits, parked, for its predecessor (at another worker) before it is flagged gap (default 30, twice the agent's acknowledgement timeout).",
            DefaultValueFactory = _ => 30,
        };
        var queueMb = new Option<int>("--queue-mb")
        {
            Description = "Most MiB of device batches the embedded broker holds for ingestion until it has stored them (1-4096, default 64). Beyond it the broker " +
                "refuses batches (MQTT 5 QuotaExceeded); devices keep them, pause and send them again, so a fleet faster than the hub cannot fill its memory. Ignored with --broker.",
            DefaultValueFactory = _ => HubOptions.DefaultQueueMegabytes,
        };
        var command = new Command(
            "serve",
            "Run the hub: the embedded MQTT broker (or --broker), ingestion, which verifies every batch, stores it durably " +
            "and only then acknowledges it, the REST API and dashboard, and the rollout engine, which directs devices through model campaigns. Prints one line when ready; stops cleanly on Ctrl-C or SIGTERM.");
        command.Options.Add(db);
        command.Options.Add(listen);
        command.Options.Add(http);
        command.Options.Add(broker);
        command.Options.Add(clientId);
        command.Options.Add(mqtts);
        command.Options.Add(plainAccess);
        command.Options.Add(tlsNames);
        command.Options.Add(profile);
        command.Options.Add(chromium);
        command.Options.Add(publicUrl);
        command.Options.Add(rolloutInterval);
        command.Options.Add(store);
        command.Options.Add(workerId);
        command.Options.Add(gapGrace);
        command.Options.Add(queueMb);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Uri? external = null;
            if (parse.GetValue(broker) is { } b && !Uri.TryCreate(b, UriKind.Absolute, out external))
            {
                error.WriteLine($"error: --broker '{b}': expected mqtt://HOST:PORT or mqtts://HOST:PORT");
                return ExitCodes.BadInput;
            }

            Uri? hubUrl = null;
            if (parse.GetValue(publicUrl) is { } pu && !Uri.TryCreate(pu, UriKind.Absolute, out hubUrl))
            {
                error.WriteLine($"error: --public-url '{pu}': expected an absolute http:// or https:// URL");
                return ExitCodes.BadInput;
            }

            var interval = parse.GetValue(rolloutInterval);
            if (!double.IsFinite(interval) || interval is < 0.01 or > 3600)
            {
                error.WriteLine($"error: --rollout-interval {interval}: 0.01-3600 seconds");
                return ExitCodes.BadInput;
            }

            var options = new HubOptions { PublicUrl = hubUrl, RolloutInterval = TimeSpan.FromSeconds(interval), DatabasePath = parse.GetValue(db)!, Listen = parse.GetValue(listen)!, Http = parse.GetValue(http)!, ExternalBroker = external, ClientId = parse.GetValue(clientId)!,
                Mqtts = parse.GetValue(mqtts), PlainAccess = parse.GetValue(plainAccess)!, TlsNames = parse.GetValue(tlsNames) ?? [],
                ReportProfile = parse.GetValue(profile)!, Chromium = parse.GetValue(chromium)!,
                Store = parse.GetValue(store), WorkerId = parse.GetValue(workerId)!, GapGrace = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(gapGrace), 0, 86_400)),
                QueueBytes = Math.Clamp(parse.GetValue(queueMb), 0, 1 << 20) * (long)HubOptions.MiB };
            if (options.IsWorker)
            {
                // The web, the rollout engine and the embedded broker's listeners read the SQLite database (registry,
                // accounts, releases, campaigns), which a PostgreSQL store does not hold: refused, not silently dropped.
                foreach (var webOnly in new Option[] { http, listen, mqtts, publicUrl, profile, chromium, rolloutInterval })
                {
                    if (parse.GetResult(webOnly) is { Implicit: false })
                    {
                        error.WriteLine($"error: {webOnly.Name}: a --store postgres:// worker runs ingestion only; the REST API, dashboard, rollouts and the embedded broker read the SQLite database, " +
                            "which the PostgreSQL store does not hold: run them with `edgehub serve --db`");
                        return ExitCodes.BadInput;
                    }
                }
            }

            if (options.Validate() is { Count: > 0 } problems)
            {
                foreach (var p in problems)
                {
                    error.WriteLine($"error: {p}");
                }

                return ExitCodes.BadInput;
            }

            if (options.IsWorker)
            {
                return await RunWorkerAsync(options, output, error, ct).ConfigureAwait(false);
            }

            try
            {
                await using var hub = await HubHost.StartAsync(options, consoleLifetime: true, cancellationToken: ct).ConfigureAwait(false);
                var brokerKind = hub.Embedded ? "" : " (external broker)";
                output.WriteLine($"edgehub: listening on {hub.BrokerUri.ToString().TrimEnd('/')}{brokerKind} and {hub.HttpUri.ToString().TrimEnd('/')}, database {options.DatabasePath}");
                if (hub.MqttsUri is { } secure)
                {
                    output.WriteLine($"edgehub: devices with hub certificates on {secure.ToString().TrimEnd('/')} (mutual TLS); plain listener access: {options.PlainAccess}");
                }

                output.Flush();
                // Type=notify under systemd (NOTIFY_SOCKET set): ready once the broker and HTTP listen; stopping when told to stop.
                var systemd = new Microsoft.Extensions.Hosting.Systemd.SystemdNotifier();
                systemd.Notify(new($"STATUS=listening on {hub.BrokerUri.ToString().TrimEnd('/')} and {hub.HttpUri.ToString().TrimEnd('/')}"));
                systemd.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState.Ready);
                using var stopping = hub.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping
                    .Register(() => systemd.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState.Stopping));
                try
                {
                    await hub.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: the host is stopped by the dispose below.
                }

                return ExitCodes.Ok;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static async Task<int> RunWorkerAsync(HubOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            await using var worker = await WorkerHost.StartAsync(options, consoleLifetime: true, cancellationToken: ct).ConfigureAwait(false);
            output.WriteLine($"edgehub: worker {options.WorkerId} ingesting from {options.ExternalBroker!.ToString().TrimEnd('/')} (shared subscription $share/{options.ShareGroup}/...), store {Store.PostgresLocation.Display(options.Store!)}");
            output.Flush();
            var systemd = new Microsoft.Extensions.Hosting.Systemd.SystemdNotifier();
            systemd.Notify(new($"STATUS=worker {options.WorkerId} ingesting"));
            systemd.Notify(Microsoft.Extensions.Hosting.Systemd.ServiceState.Ready);
            try
            {
                await worker.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: the host is stopped by the dispose below.
            }

            return ExitCodes.Ok;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
