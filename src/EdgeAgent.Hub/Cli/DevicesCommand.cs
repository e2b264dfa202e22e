using System.CommandLine;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Devices;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub devices enroll|list</c>: the device registry.</summary>
internal static class DevicesCommand
{
    public static Command Build()
    {
        var command = new Command("devices", "The device registry: which devices the hub accepts records from, and their public keys.");
        command.Subcommands.Add(Enroll());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Identity.DeviceIdentityCommands.Token(TimeProvider.System));
        command.Subcommands.Add(Identity.DeviceIdentityCommands.Revoke(TimeProvider.System));
        return command;
    }

    private static Command Enroll()
    {
        var device = new Option<string?>("--device") { Description = "The unit's serial number (1-64 of A-Z a-z 0-9 . _ -); with --key." };
        var product = new Option<string>("--product") { Description = "Its product (SKU family) id (1-64 of A-Z a-z 0-9 . _ -).", Required = true };
        var key = new Option<FileInfo?>("--key") { Description = "The device's public key, a PEM 'PUBLIC KEY' of an EC P-256 key (edgeagent provision prints it); with --device." };
        var keyDir = new Option<DirectoryInfo?>("--key-dir")
        {
            Description = "Enrol a batch instead: every {serial}.pub.pem file in this directory is the key of device {serial} of --product. Each is checked before any is stored.",
        };
        var db = CommonOptions.Database();
        var pg = CommonOptions.Store();
        var command = new Command(
            "enroll",
            "Accept records from a device, checked against its public key. Enrolling the same key again changes nothing; a " +
            "different key for an enrolled device is refused (a device keeps one key for life).");
        command.Options.Add(device);
        command.Options.Add(product);
        command.Options.Add(key);
        command.Options.Add(keyDir);
        command.Options.Add(db);
        command.Options.Add(pg);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var (d, p, k, dir) = (parse.GetValue(device), parse.GetValue(product)!, parse.GetValue(key), parse.GetValue(keyDir));
            if ((dir is null) == (d is null || k is null) || (dir is not null && (d is not null || k is not null)))
            {
                error.WriteLine("error: give --device and --key for one device, or --key-dir for a batch (not both)");
                return ExitCodes.BadInput;
            }

            IEnumerable<(string Device, string KeyFile)> keys = dir is null
                ? [(d!, k!.FullName)]
                : Directory.Exists(dir.FullName)
                    ? Directory.EnumerateFiles(dir.FullName, "*.pub.pem").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f)[..^".pub.pem".Length], f))
                    : [];
            var rows = new List<DeviceRow>();
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var (serial, file) in keys)
            {
                foreach (var (name, value) in new[] { (dir is null ? "--device" : $"--key-dir {file}: serial", serial), ("--product", p) })
                {
                    if (!RecordCodec.IsValidId(value))
                    {
                        error.WriteLine($"error: {name} '{value}' must be 1-64 of A-Z a-z 0-9 . _ -");
                        return ExitCodes.BadInput;
                    }
                }

                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: --key {file}: {e.Message}");
                    return ExitCodes.BadInput;
                }

                if (!DeviceKeys.TryRead(text, out var pem, out var keyId, out var problem))
                {
                    error.WriteLine($"error: --key {file}: {problem}");
                    return ExitCodes.BadInput;
                }

                rows.Add(new DeviceRow(serial, p, pem, keyId, now));
            }

            if (rows.Count == 0)
            {
                error.WriteLine($"error: --key-dir {dir!.FullName}: no {{serial}}.pub.pem file there");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = IngestionStores.OpenChain(parse.GetValue(pg), parse.GetValue(db)!);
                foreach (var row in rows)
                {
                    var added = store.Enroll(row);
                    if (rows.Count == 1)
                    {
                        output.WriteLine(added
                            ? $"enrolled device {row.DeviceId} of product {p} with key {row.KeyId}"
                            : $"device {row.DeviceId} of product {p} is already enrolled with key {row.KeyId}; nothing changed");
                    }
                }

                if (rows.Count > 1)
                {
                    output.WriteLine($"enrolled {rows.Count} devices of product {p} from {dir!.FullName}");
                }

                return ExitCodes.Ok;
            }
            catch (InvalidOperationException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is SqliteException or Npgsql.NpgsqlException or ArgumentException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command List()
    {
        var db = CommonOptions.Database();
        var pg = CommonOptions.Store();
        var command = new Command("list", "List enrolled devices: device, product, key id, enrolment time (Unix ms), hub certificate serial (- for none), active or revoked (when, why).");
        command.Options.Add(db);
        command.Options.Add(pg);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                // Certificates and revocations are kept in the SQLite hub database only: a PostgreSQL store shows none.
                const string NoIdentity = "-\t-";
                using var store = IngestionStores.OpenChain(parse.GetValue(pg), parse.GetValue(db)!);
                foreach (var d in store.Devices())
                {
                    output.WriteLine($"{d.DeviceId}\t{d.ProductId}\t{d.KeyId}\t{d.EnrolledAtMs}\t{(store is HubStore sqlite ? Identity.DeviceIdentityCommands.Status(sqlite, d.DeviceId) : NoIdentity)}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
