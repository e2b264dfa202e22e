using System.CommandLine;
using EdgeAgent.Core.Identity;
using EdgeAgent.Device.Provisioning;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Hardware.Profiles;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent provision</c>: key, identity, enrolment and settings of a terminal, safe to run again (see <see cref="DeviceProvisioning"/>).</summary>
internal static class ProvisionCommand
{
    public const string StateVariable = "EDGEAGENT_STATE_DIR";

    /// <summary>The packaged agent's state directory (systemd StateDirectory=edgeagent).</summary>
    public const string InstalledStateDirectory = "/var/lib/edgeagent";

    public static Option<DirectoryInfo> StateDirectoryOption() => new("--state-dir")
    {
        Description = $"The agent's state directory: key, identity, ledger (default: ${StateVariable}, else /var/lib/edgeagent).",
        DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable(StateVariable) ?? InstalledStateDirectory),
    };

    public static Command Build()
    {
        var device = new Option<string>("--device") { Description = "The unit's serial number (1-64 of A-Z a-z 0-9 . _ -).", Required = true };
        var product = new Option<string>("--product") { Description = "The product (SKU family) id.", Required = true };
        var consent = new Option<bool>("--consent") { Description = "The owner agreed to collection; without it the agent records nothing." };
        var hub = new Option<string?>("--hub") { Description = "Enrol at this hub now (its HTTP address, e.g. http://hub:8080): sends a CSR signed by the device key with --token and stores the device certificate and hub CA in the state directory, for mutual TLS." };
        var token = new Option<string?>("--token") { Description = "The one-time enrolment token from `edgehub devices token` (with --hub)." };
        var board = new Option<string?>("--board") { Description = "The board profile (hardware/boards/ID.json, e.g. raspberry-pi-5, rk3588); written as Hardware:Board." };
        var profile = new Option<string?>("--profile") { Description = "The product profile (hardware/products/ID.json, e.g. smart-glasses, drone); written as Hardware:Product." };
        var configOut = new Option<FileInfo?>("--config-out")
        {
            Description = $"Where the provisioned settings are written (default: /etc/edgeagent/{AgentConfigOptions.ProvisionedFile} for the installed " +
                $"package's state directory, else {AgentConfigOptions.ProvisionedFile} in the state directory).",
        };
        var config = new AgentConfigOptions();
        var command = new Command(
            "provision",
            "Make this board a terminal: create the device's ECDSA P-256 key (kept owner-only in the state directory, never sent) " +
            "and identity, enrol at the hub with --hub and --token (device certificate and hub CA stored for mutual TLS), check " +
            "--board and --profile against the hardware profiles, and write the settings the agent runs with (provisioned.json). " +
            "Safe to run again: the key is kept, an enrolment already done is not repeated, the settings are merged; each step " +
            "says what it did and the last line is the next step. Reads the same configuration as run (for Hardware:Profiles). " +
            "Exit codes: 0 done, 1 failure (hub unreachable), 2 bad input or the hub refused (its reason printed).");
        foreach (var option in new Option[] { device, product, consent, hub, token, board, profile, configOut })
        {
            command.Options.Add(option);
        }

        config.AddTo(command);
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

            try
            {
                var (state, profiles, settingsFile, installed) = Locations(parse, config);
                var request = new ProvisionRequest(
                    parse.GetValue(device)!, parse.GetValue(product)!, parse.GetValue(consent), state, hubUri, parse.GetValue(token),
                    parse.GetValue(board), parse.GetValue(profile), profiles, parse.GetValue(configOut)?.FullName ?? settingsFile, installed);
                var steps = await new DeviceProvisioning(TimeProvider.System).RunAsync(request, ct).ConfigureAwait(false);
                foreach (var step in steps)
                {
                    output.WriteLine($"{step.Name}: {step.Said}");
                }

                return ExitCodes.Ok;
            }
            catch (EnrolmentFailedException e)
            {
                error.WriteLine($"error: {e.Message}");
                return e.Status is null ? ExitCodes.Failure : ExitCodes.BadInput;
            }
            catch (ProfileException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or DeviceNotProvisionedException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return e is ArgumentException ? ExitCodes.BadInput : ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>
    /// Where things go, from the same configuration run reads: the state directory, the hardware profile folder, and
    /// the settings file (the installed layout keeps it in /etc/edgeagent, anything else beside the state it belongs to).
    /// </summary>
    private static (string State, string? Profiles, string SettingsFile, bool Installed) Locations(ParseResult parse, AgentConfigOptions config)
    {
        var configuration = new ConfigurationBuilder();
        if (AgentHost.AddSources(configuration, config.ConfigFiles(parse), config.Settings(parse)) is { } bad)
        {
            throw new ArgumentException(bad);
        }

        var settings = configuration.Build();
        var state = Path.GetFullPath(settings[$"{AgentOptions.Section}:StateDirectory"] ?? new AgentOptions().StateDirectory);
        var installed = state == InstalledStateDirectory && Directory.Exists(AgentConfigOptions.Directory);
        var settingsFile = Path.Combine(installed ? AgentConfigOptions.Directory : state, AgentConfigOptions.ProvisionedFile);
        return (state, settings["Hardware:Profiles"], settingsFile, installed);
    }
}
