using System.CommandLine;
using EdgeAgent.Core.Identity;
using EdgeAgent.Device.Provisioning;

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
        var hub = new Option<string?>("--hub") { Description = "Enrol at this hub now (its HTTP address, e.g. http://hub:8080): sends a CSR signed by the device key with --token and stores the device certificate and hub CA in the state directory, for mutual TLS." };
        var token = new Option<string?>("--token") { Description = "The one-time enrolment token from `edgehub devices token` (with --hub)." };
        var command = new Command(
            "provision",
            "Create this device's ECDSA P-256 key (kept owner-only in the state directory, never sent) and identity. Safe to run " +
            "again: an existing key is kept. Without --hub, prints the public key file to enrol at the hub (edgehub devices enroll); " +
            "with --hub and --token, enrols at the hub and stores the device certificate (device-cert.pem) and hub CA (hub-ca.pem). " +
            "Exit codes: 0 done, 1 failure (hub unreachable), 2 bad input or the hub refused (its reason printed).");
        command.Options.Add(device);
        command.Options.Add(product);
        command.Options.Add(consent);
        command.Options.Add(state);
        command.Options.Add(hub);
        command.Options.Add(token);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Uri? hubUri = null;
            if (parse.GetValue(hub) is { } h && (!Uri.TryCreate(h, UriKind.Absolute, out hubUri) || hubUri.Scheme is not ("http" or "https") || string.IsNullOrWhiteSpace(parse.GetValue(token))))
            {
                error.WriteLine(hubUri?.Scheme is "http" or "https"
                    ? "error: --token: --hub needs the one-time enrolment token (edgehub devices token --device SERIAL --product ID)"
                    : $"error: --hub '{h}': expected the hub's HTTP address, http://HOST:PORT or https://HOST:PORT");
                return ExitCodes.BadInput;
            }

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
                if (hubUri is null)
                {
                    output.WriteLine($"public key for enrolment at the hub: {store.PublicKeyPath}");
                    output.WriteLine($"next: edgehub devices enroll --device {identity.DeviceId} --product {identity.ProductId} --key {IdentityStore.PublicKeyFile}");
                    return ExitCodes.Ok;
                }

                var enrolled = await HubEnrolment.EnrolAsync(store, hubUri, parse.GetValue(token)!, null, ct).ConfigureAwait(false);
                output.WriteLine($"enrolled at {hubUri}: device certificate {enrolled.CertificatePath}, hub CA {enrolled.CaPath}");
                output.WriteLine(enrolled.Broker is { } broker
                    ? $"next: edgeagent run --set Mqtt:Broker={broker} (the certificate, key and CA are used from the state directory)"
                    : "next: edgeagent run --set Mqtt:Broker=mqtts://HUB:8883 (the hub runs no TLS listener yet: edgehub serve --mqtts ADDRESS:PORT)");
                return ExitCodes.Ok;
            }
            catch (EnrolmentFailedException e)
            {
                error.WriteLine($"error: {e.Message}");
                return e.Status is null ? ExitCodes.Failure : ExitCodes.BadInput;
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
