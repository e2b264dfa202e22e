using System.CommandLine;
using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Bundle;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub export evidence</c>: the auditor's bundle for one product and year.</summary>
internal static class ExportCommand
{
    public static Command Build(TimeProvider? time = null)
    {
        var export = new Command("export", "Export what an auditor checks offline.");
        export.Subcommands.Add(Evidence(time ?? TimeProvider.System));
        return export;
    }

    private static Command Evidence(TimeProvider time)
    {
        var year = new Option<int>("--year") { Description = "The calendar year the evidence is for (2000-2100).", Required = true };
        var product = new Option<string>("--product") { Description = "The product (SKU family) whose devices the bundle holds.", Required = true };
        var output = new Option<string>("--out") { Description = "The bundle to write (a zip file; replaced if it exists).", Required = true };
        var profile = new Option<string>("--profile")
        {
            Description = $"Policy profile the bundled reports follow: an id (policies/ID.json in the working directory, else beside edgehub) or a .json path (default {PolicyLoader.DefaultProfile}).",
            DefaultValueFactory = _ => PolicyLoader.DefaultProfile,
        };
        var db = CommonOptions.Database();
        var command = new Command(
            "evidence",
            "Write an evidence bundle: every enrolled device of the product with its whole chain as stored (records byte for byte), " +
            "the receive times, the checkpoints it signed and its enrolled key; every registry table as import CSV; the policy profile; " +
            "and the sales-award, pilot and compute-voucher reports of the year and product computed from exactly these, in a manifest " +
            "signed with the hub's evidence key ({db}.evidence-key.pem, created on first use). Check it with `edgehub verify`.");
        command.Options.Add(year);
        command.Options.Add(product);
        command.Options.Add(output);
        command.Options.Add(profile);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var y = parse.GetValue(year);
            var p = parse.GetValue(product)!;
            if (y is < 2000 or > 2100)
            {
                error.WriteLine($"error: --year {y}: expected a calendar year 2000-2100");
                return ExitCodes.BadInput;
            }

            if (!RecordCodec.IsValidId(p))
            {
                error.WriteLine($"error: --product '{p}' must be 1-64 of A-Z a-z 0-9 . _ -");
                return ExitCodes.BadInput;
            }

            PolicyProfile policy;
            byte[] policyBytes;
            try
            {
                (policy, policyBytes) = PolicyLoader.LoadFile(parse.GetValue(profile)!);
            }
            catch (PolicyException e)
            {
                error.WriteLine($"error: --profile: {e.Message}");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                if (!store.Devices().Any(d => d.ProductId == p))
                {
                    error.WriteLine($"error: --product '{p}': no device of that product is enrolled in {store.Path}");
                    return ExitCodes.BadInput;
                }

                using var key = HubEvidenceKey.LoadOrCreate(store.Path);
                var summary = EvidenceExport.Write(store, p, y, policy, policyBytes, key, time.GetUtcNow(), parse.GetValue(output)!, ConsoleProgress.For(error, "devices exported"));
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {summary.Path}: {summary.Devices} device(s), {summary.Records} record(s), {summary.Tombstones} dropped, {summary.Checkpoints} checkpoint(s), {summary.Attachments} input and report file(s) ({policy.Label}), {summary.Bytes} bytes; signed by hub key {HubEvidenceKey.KeyId(key)} ({HubEvidenceKey.PathFor(store.Path)})"));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
