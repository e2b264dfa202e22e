using System.CommandLine;
using EdgeAgent.Sim.Fleet;
using EdgeAgent.Sim.Records;

namespace EdgeAgent.Sim.Cli;

/// <summary><c>edgesim provision</c>: the fleet's keys, and a key directory per product for the hub's batch enrolment.</summary>
internal static class ProvisionCommand
{
    public static Command Build()
    {
        var dir = new Option<DirectoryInfo>("--dir") { Description = "The fleet directory to create (fleet.json, private/, keys/{product}/).", Required = true };
        var devices = new Option<int>("--devices") { Description = "How many devices (1-100000).", Required = true };
        var products = RunCommand.ProductsOption("Products, taken in turn (device 1 the first, device 2 the second, ...).");
        var prefix = new Option<string>("--prefix") { Description = "Serial prefix: serials are PREFIX-GL-00001 (glasses), PREFIX-DR- (drones), PREFIX-RB- (robots). Default SIM.", DefaultValueFactory = _ => "SIM" };
        var command = new Command(
            "provision",
            "Make N device keys (EC P-256) and the fleet list. Enrol them at the hub with, per product: " +
            "edgehub devices enroll --product P --key-dir DIR/keys/P --db HUB.db");
        command.Options.Add(dir);
        command.Options.Add(devices);
        command.Options.Add(products);
        command.Options.Add(prefix);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var n = parse.GetValue(devices);
            if (n is < 1 or > 100_000)
            {
                error.WriteLine($"error: --devices {n}: must be between 1 and 100000");
                return ExitCodes.BadInput;
            }

            if (!RunCommand.TryProducts(parse.GetValue(products)!, out var list, out var problem))
            {
                error.WriteLine($"error: {problem}");
                return ExitCodes.BadInput;
            }

            var p = parse.GetValue(prefix)!;
            if (!EdgeAgent.Contracts.Records.RecordCodec.IsValidId(p + "-GL-00001"))
            {
                error.WriteLine($"error: --prefix '{p}': serials must be 1-64 of A-Z a-z 0-9 . _ -");
                return ExitCodes.BadInput;
            }

            var root = parse.GetValue(dir)!.FullName;
            var members = FleetDirectory.Provision(root, n, list, p);
            output.WriteLine($"provisioned {members.Count} devices under {root}");
            foreach (var g in members.GroupBy(m => m.Product))
            {
                output.WriteLine($"  {g.Count()} {g.Key}: edgehub devices enroll --product {g.Key} --key-dir {FleetDirectory.KeyDirectory(root, g.Key)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
