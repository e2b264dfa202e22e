using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using EdgeAgent.Core.Files;
using EdgeAgent.Core.Identity;
using EdgeAgent.Hardware.Profiles;

namespace EdgeAgent.Device.Provisioning;

/// <summary>What <c>edgeagent provision</c> was asked to do.</summary>
/// <param name="Profiles">The hardware profile folder the agent's configuration names (Hardware:Profiles), or null to locate it.</param>
/// <param name="ConfigFile">Where the provisioned settings go (<c>provisioned.json</c>).</param>
/// <param name="Installed">True for the packaged layout (/etc/edgeagent and /var/lib/edgeagent): the next step is the systemd unit.</param>
internal sealed record ProvisionRequest(
    string Device,
    string Product,
    bool Consent,
    string StateDirectory,
    Uri? Hub,
    string? Token,
    string? Board,
    string? Profile,
    string? Profiles,
    string ConfigFile,
    bool Installed);

/// <summary>One step of provisioning and what it did, as printed: <c>key: kept existing key 3f2a...</c>.</summary>
internal sealed record ProvisionStep(string Name, string Said);

/// <summary>
/// A clean board to an enrolled, configured terminal in one command, safe to run again: the device key and identity
/// (created once, kept after), enrolment at the hub (skipped when this key already holds the hub's certificate, so a
/// spent token is not needed twice), the board and product profile checked against the catalog, and the settings the
/// agent runs with written to <c>provisioned.json</c> (merged with what an earlier run wrote). Each step says what it did.
/// Bad input is found before anything is written.
/// </summary>
internal sealed class DeviceProvisioning(TimeProvider time, HttpMessageHandler? handler = null)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The steps done, in order; the last is the next thing the user should do.</summary>
    /// <exception cref="ArgumentException">Bad input (a serial, a board or profile id); nothing was written.</exception>
    /// <exception cref="EnrolmentFailedException">The hub refused or could not be reached; the key and identity are kept.</exception>
    public async Task<IReadOnlyList<ProvisionStep>> RunAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hardware = CheckHardware(request);
        var steps = new List<ProvisionStep>();
        var store = new IdentityStore(request.StateDirectory, time);
        var outcome = store.Provision(request.Device, request.Product, request.Consent);
        var (identity, key) = store.Load();
        key.Dispose();
        steps.Add(new("key", outcome == ProvisionOutcome.Created
            ? $"provisioned device {identity.DeviceId} of product {identity.ProductId}: new key {identity.KeyId} in {store.StateDirectory}"
            : $"device {identity.DeviceId} of product {identity.ProductId} was already provisioned; kept key {identity.KeyId}"));
        steps.Add(new("consent", identity.Consent ? "consent to collection given" : "consent to collection NOT given (the agent will record nothing; run again with --consent)"));

        string? broker = null;
        if (request.Hub is { } hub)
        {
            if (HubEnrolment.Existing(store) is { } existing)
            {
                steps.Add(new("enrolment", $"already enrolled: {existing.CertificatePath} is this key's certificate from {existing.Issuer}, valid until " +
                    $"{existing.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; the token was not used (delete {HubEnrolment.CertificateFile} to enrol again)"));
            }
            else
            {
                var enrolled = await HubEnrolment.EnrolAsync(store, hub, request.Token!, handler, cancellationToken).ConfigureAwait(false);
                broker = enrolled.Broker;
                steps.Add(new("enrolment", $"enrolled at {hub}: device certificate {enrolled.CertificatePath}, hub CA {enrolled.CaPath}" +
                    (broker is null ? "; the hub runs no TLS listener yet (edgehub serve --mqtts ADDRESS:PORT), so set Mqtt:Broker yourself" : "")));
            }
        }
        else
        {
            steps.Add(new("enrolment", $"not enrolled (no --hub); public key for enrolment at the hub: {store.PublicKeyPath}"));
        }

        steps.Add(new("hardware", hardware));
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Agent:StateDirectory"] = store.StateDirectory,
        };
        if (broker is not null)
        {
            settings["Mqtt:Broker"] = broker;
        }

        if (request.Board is { } board)
        {
            settings["Hardware:Board"] = board;
        }

        if (request.Profile is { } profile)
        {
            settings["Hardware:Product"] = profile;
        }

        var (written, configured) = WriteConfig(request.ConfigFile, settings);
        steps.Add(new("config", written));
        if (Environment.IsPrivilegedProcess && GiveToOwner(store.StateDirectory) is { } owner)
        {
            steps.Add(new("owner", owner));
        }

        steps.Add(new("next", NextStep(request, identity, configured)));
        return steps;
    }

    /// <summary>The board and product profile ids, checked against the catalog before anything is written.</summary>
    /// <exception cref="ProfileException">No profile folder while --board or --profile asks for one, or a product the board cannot carry.</exception>
    private static string CheckHardware(ProvisionRequest request)
    {
        ProfileCatalog catalog;
        try
        {
            catalog = ProfileCatalog.Locate(request.Profiles);
        }
        catch (ProfileException) when (request.Board is null && request.Profile is null)
        {
            return "no hardware profiles here: board and product profile not set (the configuration's or 'simulated')";
        }

        if (request.Board is { } board && !catalog.BoardIds.Contains(board, StringComparer.Ordinal))
        {
            throw new ArgumentException($"--board '{board}' is not a board profile in {catalog.Directory}/boards; allowed: {string.Join(", ", catalog.BoardIds)}", nameof(request));
        }

        if (request.Profile is { } asked && !catalog.ProductIds.Contains(asked, StringComparer.Ordinal))
        {
            throw new ArgumentException($"--profile '{asked}' is not a product profile in {catalog.Directory}/products; allowed: {string.Join(", ", catalog.ProductIds)}", nameof(request));
        }

        if (request.Board is not null && request.Profile is not null)
        {
            catalog.Resolve(request.Profile, request.Board); // a product whose buses the board lacks is refused here, with the fields named
        }

        return (request.Board is null ? "board not set (--board; the configuration's or 'simulated')" : $"board {request.Board}") +
            (request.Profile is null ? ", no product profile (--profile)" : $", product profile {request.Profile}");
    }

    /// <summary>The settings merged into the file (kept keys of earlier runs stay), written atomically; what changed, said.</summary>
    private static (string Said, bool Configured) WriteConfig(string path, SortedDictionary<string, string> settings)
    {
        var root = new JsonObject();
        if (File.Exists(path))
        {
            try
            {
                root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                    ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{path}: cannot merge into it, it is not a JSON object ({e.Message}); move it away and run provision again", nameof(path), e);
            }
        }

        var before = root.ToJsonString(Indented);
        var changes = new List<string>();
        foreach (var (key, value) in settings)
        {
            var parts = key.Split(':');
            var section = root[parts[0]] as JsonObject ?? new JsonObject();
            root[parts[0]] = section;
            var old = section[parts[1]]?.GetValue<string>();
            if (old != value)
            {
                section[parts[1]] = value;
                changes.Add(old is null ? $"{key}={value}" : $"{key}: {old} -> {value}");
            }
        }

        var configured = root["Mqtt"]?["Broker"] is not null;
        if (root.ToJsonString(Indented) == before)
        {
            return ($"{path} unchanged", configured);
        }

        AtomicFile.WriteText(path, root.ToJsonString(Indented) + "\n");
        return ($"{(before == "{}" ? "wrote" : "updated")} {path}: {string.Join(", ", changes)}", configured);
    }

    /// <summary>
    /// Run as root into a state directory that belongs to the service user (the package makes it): the files written
    /// here are given to that owner, or the agent could not read its own key. <c>chown --reference</c> copies the
    /// directory's owner and group without this program knowing the user's id.
    /// </summary>
    private static string? GiveToOwner(string stateDirectory)
    {
        var start = new ProcessStartInfo("chown") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-R", $"--reference={stateDirectory}", stateDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        using var chown = Process.Start(start) ?? throw new IOException("chown could not be started");
        var error = chown.StandardError.ReadToEnd();
        chown.WaitForExit();
        return chown.ExitCode == 0
            ? $"the files in {stateDirectory} belong to the directory's owner (chown -R --reference)"
            : throw new IOException($"chown -R --reference={stateDirectory} {stateDirectory} failed: {error.Trim()}");
    }

    private static string NextStep(ProvisionRequest request, DeviceIdentity identity, bool configured)
    {
        if (request.Hub is null)
        {
            return $"enrol the key at the hub: edgehub devices enroll --device {identity.DeviceId} --product {identity.ProductId} --key {IdentityStore.PublicKeyFile}" +
                (request.Installed ? ", then: systemctl restart edgeagent" : $", then: edgeagent run --config {request.ConfigFile} --set Mqtt:Broker=mqtt://HUB:1883");
        }

        var broker = configured ? "" : " --set Mqtt:Broker=mqtts://HUB:8883";
        return request.Installed
            ? $"systemctl restart edgeagent (starts the service, or restarts it with this configuration{(configured ? "" : "; set Mqtt:Broker in /etc/edgeagent/agent.json first")}), then: edgeagent status"
            : $"edgeagent run --config {request.ConfigFile}{broker}";
    }
}
