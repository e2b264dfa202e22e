using System.CommandLine;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Reports;

/// <summary><c>edgehub report sales-award|pilot|compute-voucher</c>: evidence reports from the registry and the verified records.</summary>
internal static class ReportCommand
{
    public static Command Build(TimeProvider? time = null)
    {
        var command = new Command(
            "report",
            "Evidence reports (../shared/EVIDENCE.md) from the imported registry and the records the hub verified, by the rules of a " +
            "policy profile. Each states its profile, its inputs (tables and records with row counts and SHA-256) and the integrity " +
            "roots (each device's head and latest signed checkpoint) it was computed from.");
        command.Subcommands.Add(Kind(SalesAward.Kind, "Sales-award evidence per enterprise and product for the invoices of --year: tiers A/B/C, exclusions, V = A + B, the award and its cap, the ranking, the reconciliation table and the exceptions.", site: false, time));
        command.Subcommands.Add(Kind(Pilot.Kind, "首台（套） pilot evidence per product and site for --year: unit order, timeline, observed hours and coverage, MTBF with its lower bound, MTTR, availability, fault Pareto, KPIs against the declared specification, the document checklist and flags.", site: true, time));
        command.Subcommands.Add(Kind(ComputeVoucher.Kind, "Compute-voucher usage per enterprise for --year: amounts incurred per compute contract, the profile's rates and city cap, device-recorded calls against invoiced calls, on-device inference as not eligible.", site: false, time));
        return command;
    }

    private static Command Kind(string kind, string description, bool site, TimeProvider? time)
    {
        var year = new Option<int>("--year") { Description = "The calendar year (in the profile's time zone), e.g. 2025.", Required = true };
        year.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 2000 or > 2100)
            {
                r.AddError("--year must be between 2000 and 2100");
            }
        });
        var product = new Option<string?>("--product") { Description = "Only this product (a product_id of the registry)." };
        var siteOption = new Option<string?>("--site") { Description = "Only this pilot site (a site_id of the registry)." };
        var profile = new Option<string>("--profile")
        {
            Description = $"Policy profile: an id (policies/ID.json in the working directory, else beside edgehub) or a .json path (default {PolicyLoader.DefaultProfile}).",
            DefaultValueFactory = _ => PolicyLoader.DefaultProfile,
        };
        var format = new Option<string>("--format") { Description = "Output format: html (self-contained, printable, with charts), csv, json, or pdf (the HTML printed by headless Chromium).", DefaultValueFactory = _ => "html" };
        format.AcceptOnlyFromAmong([.. EvidenceReports.Formats]);
        var output = new Option<string>("--out") { Description = "The file to write.", Required = true };
        var chromium = new Option<string>("--chromium") { Description = $"Chromium for --format pdf (default {ChromiumPdf.DefaultChromium}).", DefaultValueFactory = _ => ChromiumPdf.DefaultChromium };
        var db = CommonOptions.Database();
        var command = new Command(kind, description);
        foreach (var o in site ? new Option[] { year, product, siteOption, profile, format, output, chromium, db } : [year, product, profile, format, output, chromium, db])
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            PolicyProfile policy;
            try
            {
                policy = PolicyLoader.Load(parse.GetValue(profile)!);
            }
            catch (PolicyException e)
            {
                stderr.WriteLine($"error: --profile: {e.Message}");
                return ExitCodes.BadInput;
            }

            try
            {
                ReportInputs inputs;
                using (var store = HubStore.Open(parse.GetValue(db)!))
                {
                    store.BeginRead();
                    inputs = EvidenceReader.Read(store, progress: ConsoleProgress.For(stderr, "devices read"));
                    store.EndRead();
                }

                var (p, s) = (parse.GetValue(product), site ? parse.GetValue(siteOption) : null);
                if (p is not null && inputs.Registry.Products.All(x => x.ProductId != p))
                {
                    stderr.WriteLine($"error: --product '{p}' is not in the registry (allowed: {string.Join(", ", inputs.Registry.Products.Select(x => x.ProductId))})");
                    return ExitCodes.BadInput;
                }

                if (s is not null && inputs.Registry.Sites.All(x => x.SiteId != s))
                {
                    stderr.WriteLine($"error: --site '{s}' is not in the registry (allowed: {string.Join(", ", inputs.Registry.Sites.Select(x => x.SiteId))})");
                    return ExitCodes.BadInput;
                }

                var now = (time ?? TimeProvider.System).GetUtcNow();
                var y = parse.GetValue(year);
                var report = EvidenceReports.Compute(kind, inputs, policy, y, p, s, now);
                var outPath = parse.GetValue(output)!;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
                var bytes = await EvidenceReports.RenderAsync(report, parse.GetValue(format)!, parse.GetValue(chromium)!, ct).ConfigureAwait(false);
                await File.WriteAllBytesAsync(outPath, bytes, ct).ConfigureAwait(false);
                stdout.WriteLine($"wrote {kind} report for {y} ({policy.Label}, {inputs.Devices.Count} devices, {inputs.Inputs.Single(i => i.Name == "records").Rows} records) to {outPath}");
                return ExitCodes.Ok;
            }
            catch (PdfException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                stderr.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: --out {parse.GetValue(output)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
