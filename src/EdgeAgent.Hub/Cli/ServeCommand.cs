using System.CommandLine;
using Microsoft.Data.Sqlite;

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
        var broker = new Option<string?>("--broker") { Description = "Consume from this external broker (mqtt://HOST:PORT) instead of running the embedded one." };
        var clientId = new Option<string>("--client-id")
        {
            Description = "MQTT client id of ingestion; the broker keeps its persistent session under it (default: edgehub-ingest).",
            DefaultValueFactory = _ => "edgehub-ingest",
        };
        var command = new Command(
            "serve",
            "Run the hub: the embedded MQTT broker (or --broker), and ingestion, which verifies every batch, stores it durably " +
            "and only then acknowledges it. Prints one line when ready; stops cleanly on Ctrl-C or SIGTERM.");
        command.Options.Add(db);
        command.Options.Add(listen);
        command.Options.Add(http);
        command.Options.Add(broker);
        command.Options.Add(clientId);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Uri? external = null;
            if (parse.GetValue(broker) is { } b && !Uri.TryCreate(b, UriKind.Absolute, out external))
            {
                error.WriteLine($"error: --broker '{b}': expected mqtt://HOST:PORT");
                return ExitCodes.BadInput;
            }

            var options = new HubOptions { DatabasePath = parse.GetValue(db)!, Listen = parse.GetValue(listen)!, Http = parse.GetValue(http)!, ExternalBroker = external, ClientId = parse.GetValue(clientId)! };
            if (options.Validate() is { Count: > 0 } problems)
            {
                foreach (var p in problems)
                {
                    error.WriteLine($"error: {p}");
                }

                return ExitCodes.BadInput;
            }

            try
            {
                await using var hub = await HubHost.StartAsync(options, consoleLifetime: true, cancellationToken: ct).ConfigureAwait(false);
                var brokerKind = hub.Embedded ? "" : " (external broker)";
                output.WriteLine($"edgehub: listening on {hub.BrokerUri.ToString().TrimEnd('/')}{brokerKind} and {hub.HttpUri.ToString().TrimEnd('/')}, database {options.DatabasePath}");
                output.Flush();
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
}
