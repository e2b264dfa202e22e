using System.CommandLine;
using System.Globalization;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Rollouts;

/// <summary><c>edgehub rollout create|pause|resume|abort|status</c>: staged model rollout campaigns, run by <c>edgehub serve</c>'s engine.</summary>
internal static class RolloutCommand
{
    public static Command Build(TimeProvider time)
    {
        var command = new Command("rollout", "Rollout campaigns: a published release directed to a product's devices in waves, gated on success, halted on failures. edgehub serve runs them.");
        command.Subcommands.Add(Create(time));
        foreach (var action in new[] { "pause", "resume", "abort" })
        {
            command.Subcommands.Add(Change(action, time));
        }

        command.Subcommands.Add(Status(time));
        return command;
    }

    private static Command Create(TimeProvider time)
    {
        var model = new Option<string>("--model") { Description = "The release's model name.", Required = true };
        var version = new Option<string>("--version") { Description = "The release's version.", Required = true };
        var target = new Option<string>("--target") { Description = "product=P[,board=B][,site=S]: enrolled, unrevoked devices of P (board as last reported in power.state, site as commissioned; unknown never matches).", Required = true };
        var waves = new Option<string>("--waves") { Description = "Cumulative percentages of the target set, increasing, ending at 100 (default 1,10,50,100); wave i covers ceil(p_i × N / 100) devices, at least one.", DefaultValueFactory = _ => "1,10,50,100" };
        var minSuccess = new Option<decimal>("--min-success") { Description = "Percent of a wave's devices (those first directed in it) that must commit, once all of them finished, before the next wave is directed (default 95).", DefaultValueFactory = _ => 95m };
        var halt = new Option<decimal>("--halt-failures") { Description = "The campaign halts, and directs roll back, when failed devices are MORE than this percent of all devices directed so far (default 5).", DefaultValueFactory = _ => 5m };
        var defaults = new ProbationPolicy();
        var calls = new Option<int>("--probation-calls") { Description = $"Probation window in calls (default {defaults.Calls}).", DefaultValueFactory = _ => defaults.Calls };
        var seconds = new Option<double>("--probation-seconds") { Description = $"Longest probation window in seconds (default {defaults.MaxSeconds}).", DefaultValueFactory = _ => defaults.MaxSeconds };
        var errorRate = new Option<double>("--max-error-rate") { Description = $"Most failed calls in probation, as a fraction (default {defaults.MaxErrorRate}).", DefaultValueFactory = _ => defaults.MaxErrorRate };
        var latency = new Option<double>("--latency-tolerance") { Description = $"How much slower p95 latency may be than the previous version's (default {defaults.LatencyTolerance}: 1.5×).", DefaultValueFactory = _ => defaults.LatencyTolerance };
        var drift = new Option<double>("--max-drift") { Description = $"Largest output drift against the previous version (default {defaults.MaxDrift}).", DefaultValueFactory = _ => defaults.MaxDrift };
        var db = CommonOptions.Database();
        var command = new Command("create", "Create a campaign (running at once; edgehub serve directs wave 1 at its next step) and print its id. The target set is fixed now.");
        foreach (var o in new Option[] { model, version, target, waves, minSuccess, halt, calls, seconds, errorRate, latency, drift, db })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (RolloutTarget.Parse(parse.GetValue(target)!, out var problem) is not { } t || RolloutPlan.ParseWaves(parse.GetValue(waves)!, out problem) is not { } w)
            {
                error.WriteLine($"error: {problem}");
                return ExitCodes.BadInput;
            }

            var probation = new ProbationPolicy { Calls = parse.GetValue(calls), MaxSeconds = parse.GetValue(seconds), MaxErrorRate = parse.GetValue(errorRate), LatencyTolerance = parse.GetValue(latency), MaxDrift = parse.GetValue(drift) };
            var request = new CampaignRequest(parse.GetValue(model)!, parse.GetValue(version)!, t, w, parse.GetValue(minSuccess), parse.GetValue(halt), probation);
            return Run(parse, db, error, store =>
            {
                var (campaign, excluded) = new RolloutStore(store, time).Create(request);
                var output = parse.InvocationConfiguration.Output;
                output.WriteLine(campaign.Id);
                var sizes = RolloutPlan.CumulativeSizes(campaign.Waves, new RolloutStore(store, time).Devices(campaign.Id).Count);
                error.WriteLine($"campaign {campaign.Id}: {campaign.Name} {campaign.Version} to {campaign.Target}, waves of {string.Join(", ", sizes)} device(s); {excluded.Count} left out");
                foreach (var e in excluded)
                {
                    error.WriteLine($"  left out {e.DeviceId}: {e.Reason}");
                }
            });
        });
        return command;
    }

    private static Command Change(string action, TimeProvider time)
    {
        var id = new Argument<string>("ID") { Description = "The campaign id (rollout create printed it)." };
        var db = CommonOptions.Database();
        var command = new Command(action, action switch
        {
            "pause" => "Pause a running campaign: nobody new is directed; it still halts itself if failures cross the threshold.",
            "resume" => "Resume a paused campaign.",
            _ => "Abort a running or paused campaign: every directed device that has not failed is told to roll back.",
        });
        command.Arguments.Add(id);
        command.Options.Add(db);
        command.SetAction(parse => Run(parse, db, parse.InvocationConfiguration.Error, store =>
        {
            var c = new RolloutStore(store, time).Change(parse.GetValue(id)!, action, $"{Environment.UserName} (CLI)");
            parse.InvocationConfiguration.Output.WriteLine($"campaign {c.Id} is {c.State}");
        }));
        return command;
    }

    private static Command Status(TimeProvider time)
    {
        var id = new Argument<string?>("ID") { Description = "A campaign id; without it, every campaign.", Arity = ArgumentArity.ZeroOrOne };
        var devices = new Option<bool>("--devices") { Description = "Also each device: wave, directive, state and reason." };
        var db = CommonOptions.Database();
        var command = new Command("status", "Show campaigns: state and its reason, waves (devices, committed, failed, in progress), device counts per state; with ID, its history too.");
        command.Arguments.Add(id);
        command.Options.Add(devices);
        command.Options.Add(db);
        command.SetAction(parse => Run(parse, db, parse.InvocationConfiguration.Error, store =>
        {
            var output = parse.InvocationConfiguration.Output;
            var rollouts = new RolloutStore(store, time);
            var wanted = parse.GetValue(id);
            var campaigns = wanted is null ? rollouts.List() : [rollouts.Find(wanted) ?? throw new RolloutException(RolloutProblem.NotFound, $"no campaign {wanted}")];
            foreach (var c in campaigns)
            {
                var v = RolloutViews.View(c, rollouts.Devices(c.Id), wanted is null ? null : rollouts.Events(c.Id), parse.GetValue(devices));
                output.WriteLine($"{v.Id}\t{v.Name} {v.Version}\t{v.Target}\t{v.State}\t{v.Reason}");
                output.WriteLine($"  counts: {string.Join(", ", v.Counts.Select(kv => $"{kv.Key} {kv.Value}"))} (of {v.TargetDevices})");
                foreach (var w in v.Waves)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  wave {w.Wave} ({w.Percent}%, {w.Cumulative} cumulative): {w.Status}, {w.Devices} device(s): {w.Committed} committed, {w.Failed} failed, {w.InProgress} in progress"));
                }

                foreach (var e in v.Events ?? [])
                {
                    output.WriteLine($"  {CampaignFormat.Time(e.AtMs)}\t{e.State}\twave {e.Wave}\t{e.Reason}");
                }

                foreach (var d in v.Devices ?? [])
                {
                    output.WriteLine($"  {d.DeviceId}\twave {(d.Wave?.ToString(CultureInfo.InvariantCulture) ?? "-")}\t{d.Directive ?? "-"}{(d.Directive is not null && !d.DirectiveSent ? " (unsent)" : "")}\t{d.Status}\t{d.Reason ?? "-"}{(d.Detail is null ? "" : ": " + d.Detail)}");
                }
            }
        }));
        return command;
    }

    private static int Run(ParseResult parse, Option<string> db, TextWriter error, Action<HubStore> action)
    {
        try
        {
            using var store = HubStore.Open(parse.GetValue(db)!);
            action(store);
            return ExitCodes.Ok;
        }
        catch (RolloutException e)
        {
            error.WriteLine($"error: {e.Message}");
            return e.Problem == RolloutProblem.BadInput ? ExitCodes.BadInput : ExitCodes.Failure;
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
