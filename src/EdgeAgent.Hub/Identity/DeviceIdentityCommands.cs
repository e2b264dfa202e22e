using System.CommandLine;
using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Identity;

/// <summary><c>edgehub devices token</c> and <c>edgehub devices revoke</c>: one-time enrolment tokens and revocation.</summary>
internal static class DeviceIdentityCommands
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(30);

    public static Command Token(TimeProvider time)
    {
        var device = new Option<string>("--device") { Description = "The unit's serial number (1-64 of A-Z a-z 0-9 . _ -); it becomes the certificate's CN.", Required = true };
        var product = new Option<string>("--product") { Description = "Its product (SKU family) id (1-64 of A-Z a-z 0-9 . _ -).", Required = true };
        var ttl = new Option<string>("--ttl")
        {
            Description = "How long the token is valid: a number with s, m, h or d (e.g. 30m, 24h, 7d), 1m to 30d (default: 24h).",
            DefaultValueFactory = _ => "24h",
        };
        var db = CommonOptions.Database();
        var command = new Command(
            "token",
            "Issue a one-time enrolment token for one device: `edgeagent provision --hub URL --token TOKEN` sends it with a CSR " +
            "signed by the device key and gets the device certificate. Prints the token once on stdout (the hub keeps only its " +
            "SHA-256); it expires after --ttl and is spent by the first successful enrolment.");
        command.Options.Add(device);
        command.Options.Add(product);
        command.Options.Add(ttl);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var (d, p) = (parse.GetValue(device)!, parse.GetValue(product)!);
            if (!ValidIds(error, d, p))
            {
                return ExitCodes.BadInput;
            }

            if (!TryParseTtl(parse.GetValue(ttl)!, out var lifetime))
            {
                error.WriteLine($"error: --ttl '{parse.GetValue(ttl)}': expected a number with s, m, h or d between 1m and 30d, e.g. 24h");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var records = new IdentityRecords(store);
                if (records.FindRevocation(d) is { } revoked)
                {
                    error.WriteLine($"error: --device {d} was revoked at {IdentityRecords.Iso(revoked.RevokedAtMs)} ({revoked.Reason}); a revoked device cannot enrol again");
                    return ExitCodes.BadInput;
                }

                var (token, expires) = Issue(records, d, p, lifetime, time);
                var output = parse.InvocationConfiguration.Output;
                output.WriteLine(token);
                error.WriteLine($"enrolment token for device {d} of product {p}: single use, valid until {IdentityRecords.Iso(expires)}; shown only now (the hub keeps its hash)");
                error.WriteLine($"on the device: edgeagent provision --hub http://HUB:8080 --device {d} --product {p} --token TOKEN --consent");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>Stores a new token for the device and returns its text and expiry (Unix ms).</summary>
    public static (string Token, long ExpiresAtMs) Issue(IdentityRecords records, string deviceId, string productId, TimeSpan ttl, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(time);
        var token = IdentityRecords.NewToken();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = now + (long)ttl.TotalMilliseconds;
        records.InsertToken(new TokenRow(IdentityRecords.HashToken(token), deviceId, productId, now, expires, null));
        return (token, expires);
    }

    public static Command Revoke(TimeProvider time)
    {
        var device = new Option<string>("--device") { Description = "The serial number of the device to revoke.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why, kept with the revocation and shown by devices list (default: unspecified).", DefaultValueFactory = _ => "unspecified" };
        var db = CommonOptions.Database();
        var command = new Command(
            "revoke",
            "Revoke a device for good: a running hub's embedded broker refuses it at connect and drops its live session within " +
            "a second; it cannot enrol again. For an external Mosquitto, run edgehub broker-config again and reload Mosquitto " +
            "(SIGHUP). Its records already held are kept.");
        command.Options.Add(device);
        command.Options.Add(reason);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var d = parse.GetValue(device)!;
            if (!RecordCodec.IsValidId(d))
            {
                error.WriteLine($"error: --device '{d}' must be 1-64 of A-Z a-z 0-9 . _ -");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var records = new IdentityRecords(store);
                var added = records.Revoke(new RevocationRow(d, parse.GetValue(reason)!, time.GetUtcNow().ToUnixTimeMilliseconds()));
                var row = records.FindRevocation(d)!;
                parse.InvocationConfiguration.Output.WriteLine(added
                    ? $"revoked device {d} ({row.Reason}){(store.FindDevice(d) is null ? "; it was not enrolled" : "")}"
                    : $"device {d} was already revoked at {IdentityRecords.Iso(row.RevokedAtMs)} ({row.Reason}); nothing changed");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>What <c>devices list</c> adds per device: its latest certificate serial (or -) and active or revoked.</summary>
    public static string Status(HubStore store, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = new IdentityRecords(store);
        var certificate = records.Certificates().LastOrDefault(c => c.DeviceId == deviceId)?.SerialNumber ?? "-";
        var revoked = records.FindRevocation(deviceId) is { } r ? $"revoked {IdentityRecords.Iso(r.RevokedAtMs)} ({r.Reason})" : "active";
        return $"{certificate}\t{revoked}";
    }

    public static bool TryParseTtl(string text, out TimeSpan ttl)
    {
        ttl = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2 ||
            !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000)
        {
            return false;
        }

        ttl = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return ttl >= MinTtl && ttl <= MaxTtl;
    }

    private static bool ValidIds(TextWriter error, string device, string product)
    {
        foreach (var (name, value) in new[] { ("--device", device), ("--product", product) })
        {
            if (!RecordCodec.IsValidId(value))
            {
                error.WriteLine($"error: {name} '{value}' must be 1-64 of A-Z a-z 0-9 . _ -");
                return false;
            }
        }

        if (device == HubCertificateAuthority.IngestionName || product == "hub")
        {
            error.WriteLine($"error: --device '{HubCertificateAuthority.IngestionName}' and --product 'hub' are reserved for the hub's own ingestion");
            return false;
        }

        return true;
    }
}
