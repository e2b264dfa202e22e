using System.CommandLine;
using System.Globalization;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Releases;

/// <summary><c>edgehub models keygen|publish|list|revoke-key</c>: the model release registry.</summary>
internal static class ModelsCommand
{
    public static Command Build(TimeProvider time)
    {
        var command = new Command("models", "The model release registry: release keys, signed releases and their artifacts, served to devices over HTTP.");
        command.Subcommands.Add(Keygen());
        command.Subcommands.Add(Publish(time));
        command.Subcommands.Add(List());
        command.Subcommands.Add(RevokeKey(time));
        return command;
    }

    private static Command Keygen()
    {
        var output = new Option<string>("--out") { Description = "The private key file to create (owner-only PEM); the public key goes beside it as NAME.pub.pem. Never overwritten.", Required = true };
        var command = new Command("keygen", "Make an ECDSA P-256 release signing key (separate from the hub CA and evidence keys) and print its key id. Give devices the .pub.pem file.");
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            try
            {
                var id = ReleaseKeys.Generate(path);
                parse.InvocationConfiguration.Output.WriteLine($"release key {id}: private key {Path.GetFullPath(path)} (owner-only), public key {ReleaseKeys.PublicPathFor(Path.GetFullPath(path))}");
                return ExitCodes.Ok;
            }
            catch (ReleaseException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --out {path}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Publish(TimeProvider time)
    {
        var name = new Option<string>("--name") { Description = "The catalog model this release is a version of (must equal the entry's name).", Required = true };
        var version = new Option<string>("--version") { Description = "MAJOR.MINOR.PATCH, optionally -prerelease or +build.", Required = true };
        var file = new Option<string>("--file") { Description = "The ONNX model file; its SHA-256 must equal the entry's sha256.", Required = true };
        var entry = new Option<string>("--entry") { Description = "One catalog entry (JSON, as in models/catalog.json) with sha256 and a selfTest file (relative to it) that has expected outputs.", Required = true };
        var key = new Option<string>("--key") { Description = "The release private key (edgehub models keygen).", Required = true };
        var boards = new Option<string?>("--boards") { Description = "Comma-separated board profiles the release runs on (default: every board)." };
        var agentMin = new Option<string>("--agent-min") { Description = "The oldest agent version that may run it (default 0.0.0).", DefaultValueFactory = _ => "0.0.0" };
        var agentBelow = new Option<string?>("--agent-below") { Description = "The first agent version that may not run it (default: none)." };
        var db = CommonOptions.Database();
        var command = new Command(
            "publish",
            "Publish a model release: check the file against the entry (hash, name, self-test expectations), store the artifact by its SHA-256 " +
            "beside the database, and store the release manifest signed with the release key. Publishing the identical release again changes nothing.");
        foreach (var o in new Option[] { name, version, file, entry, key, boards, agentMin, agentBelow, db })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var request = new PublishRequest(parse.GetValue(name)!, parse.GetValue(version)!, parse.GetValue(file)!, parse.GetValue(entry)!, parse.GetValue(key)!,
                parse.GetValue(boards)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [], parse.GetValue(agentMin)!, parse.GetValue(agentBelow));
            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var result = new ReleaseRegistry(store, new ArtifactStore(store.Path), time).Publish(request);
                var r = result.Release;
                parse.InvocationConfiguration.Output.WriteLine(result.AlreadyPublished
                    ? $"release {r.Name} {r.Version} is already published, identical (sha256 {r.Sha256}); nothing changed"
                    : $"published {r.Name} {r.Version}: sha256 {r.Sha256}, {r.Size} bytes, signed by release key {r.KeyId}");
                return ExitCodes.Ok;
            }
            catch (ReleaseException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command List()
    {
        var name = new Option<string?>("--name") { Description = "Only the releases of this model." };
        var db = CommonOptions.Database();
        var command = new Command("list", "List releases: name, version, sha256 prefix, size in bytes, key id (revoked marked), published (UTC).");
        command.Options.Add(name);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var registry = new ReleaseRegistry(store, new ArtifactStore(store.Path), TimeProvider.System);
                var revoked = registry.Keys().Where(k => k.RevokedAtMs is not null).Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
                output.WriteLine("name\tversion\tsha256\tsize\tkey\tpublished");
                foreach (var r in registry.List(parse.GetValue(name)))
                {
                    var when = DateTimeOffset.FromUnixTimeMilliseconds(r.PublishedAtMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                    output.WriteLine($"{r.Name}\t{r.Version}\t{r.Sha256[..12]}\t{r.Size}\t{r.KeyId}{(revoked.Contains(r.KeyId) ? " (revoked)" : "")}\t{when}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command RevokeKey(TimeProvider time)
    {
        var id = new Option<string>("--id") { Description = "The release key id (16 hex digits).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the revocation).", DefaultValueFactory = _ => "revoked by the operator" };
        var db = CommonOptions.Database();
        var command = new Command(
            "revoke-key",
            "Revoke a release key at the hub: publishing with it is refused from now on, and no campaign starts for its releases. " +
            "Devices do not learn it from the hub: revoke the key in their own configuration of trusted release keys.");
        command.Options.Add(id);
        command.Options.Add(reason);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var k = parse.GetValue(id)!;
                var changed = new ReleaseRegistry(store, new ArtifactStore(store.Path), time).RevokeKey(k, parse.GetValue(reason)!);
                parse.InvocationConfiguration.Output.WriteLine(changed ? $"release key {k} revoked at the hub" : $"release key {k} was revoked already; nothing changed");
                return ExitCodes.Ok;
            }
            catch (ReleaseException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
