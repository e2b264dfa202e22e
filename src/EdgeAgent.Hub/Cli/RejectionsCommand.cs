using System.CommandLine;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub rejections</c>: what ingestion flagged, counted per reason, and the latest with detail.</summary>
internal static class RejectionsCommand
{
    public static Command Build()
    {
        var device = new Option<string?>("--device") { Description = "Only this device's rejections." };
        var latest = new Option<int>("--latest") { Description = "How many of the latest rejections to list (default 20, 0-1000).", DefaultValueFactory = _ => 20 };
        var db = CommonOptions.Database();
        var pg = CommonOptions.Store();
        var command = new Command(
            "rejections",
            "Show flagged input (kept, never counted as records): counts per reason (" + string.Join(", ", RejectionReasons.All) +
            "), the hub-wide counters, and the latest rejections with their detail.");
        command.Options.Add(device);
        command.Options.Add(latest);
        command.Options.Add(db);
        command.Options.Add(pg);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var n = parse.GetValue(latest);
            if (n is < 0 or > 1000)
            {
                error.WriteLine($"error: --latest {n}: allowed 0-1000");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = IngestionStores.OpenChain(parse.GetValue(pg), parse.GetValue(db)!);
                var (perReason, rows) = store.Rejections(parse.GetValue(device), n);
                output.WriteLine("rejections per reason:");
                foreach (var (reason, count) in perReason)
                {
                    output.WriteLine($"  {reason}\t{count}");
                }

                if (parse.GetValue(device) is null)
                {
                    output.WriteLine("counters:");
                    foreach (var (reason, count) in store.Counters())
                    {
                        output.WriteLine($"  {reason}\t{count}");
                    }
                }

                output.WriteLine($"latest {rows.Count}:");
                foreach (var r in rows)
                {
                    output.WriteLine($"  #{r.Id}\t{r.DeviceId}\tseq {r.Seq}\t{r.Reason}\t{r.Topic}\t{r.Detail}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
