using System.CommandLine;
using EdgeAgent.Core.Identity;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent provision</c>: the device key and identity, created once.</summary>
internal static class ProvisionCommand
{
    public const string StateVariable = "EDGEAGENT_STATE_DIR";

    public static Option<DirectoryInfo> StateDirectoryOption() => new("--state-dir")
    {
        Description = $"The agent's state directory: key, identity, ledger (default: ${StateVariable}, else /var/lib/edgeagent).",
        DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable(StateVariable) ?? "/var/lib/edgeagent"),
    };

    public static Command Build()
    {
        var device = new Option<string>("--device") { Description = "The unit's serial number (1-64 of A-Z a-z 0-9 . _ -).", Required = true };
        var product = new Option<string>("--product") { Description = "The product (SKU family) id.", Required = true };
        var consent = new Option<bool>("--consent") { Description = "The owner agreed to collection; without it the agent records nothing." };
        var state = StateDirectoryOption();
        var command = new Command(
            "provision",
            "Create this device's ECDSA P-256 key (kept owner-only in the state directory, never sent) and identity. Safe to run " +
            "again: an existing key is kept. Prints the public key file to enrol at the hub.");
        command.Options.Add(device);
        command.Options.Add(product);
        command.Options.Add(consent);
        command.Options.Add(state);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var store = new IdentityStore(parse.GetValue(state)!.FullName, TimeProvider.System);
            try
            {
                var outcome = store.Provision(parse.GetValue(device)!, parse.GetValue(product)!, parse.GetValue(consent));
                var (identity, key) = store.Load();
                key.Dispose();
                output.WriteLine(outcome == ProvisionOutcome.Created
                    ? $"provisioned device {identity.DeviceId} of product {identity.ProductId}: new key {identity.KeyId}"
                    : $"device {identity.DeviceId} of product {identity.ProductId} was already provisioned; kept key {identity.KeyId}");
                output.WriteLine($"consent to collection: {(identity.Consent ? "given" : "NOT given (the agent will record nothing; run again with --consent)")}");
                output.WriteLine($"public key for enrolment at the hub: {store.PublicKeyPath}");
                output.WriteLine($"next: edgehub devices enroll --device {identity.DeviceId} --product {identity.ProductId} --key {IdentityStore.PublicKeyFile}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or DeviceNotProvisionedException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return e is ArgumentException ? ExitCodes.BadInput : ExitCodes.Failure;
            }
        });
        return command;
    }
}
