using System.CommandLine;
using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Storage.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent ledger export|verify</c>: the records still on the device, and their offline check.</summary>
internal static class LedgerCommand
{
    public static Command Build()
    {
        var command = new Command("ledger", "Export the records still on this device (not yet acknowledged by the hub), or verify an export offline.");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Command Export()
    {
        var state = ProvisionCommand.StateDirectoryOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the export (JSON; FORMAT.md, \"Ledger export\").", Required = true };
        var command = new Command(
            "export",
            "Write every record and tombstone still in the outbox, with a checkpoint signed by the device key and the public " +
            "key, to a file that `edgeagent ledger verify` (or an auditor) checks offline. The agent must be stopped: it holds " +
            "the outbox while it runs. Exit codes: 0 written, 1 not provisioned or the outbox is in use, 2 bad arguments.");
        command.Options.Add(state);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var options = new AgentOptions { StateDirectory = parse.GetValue(state)!.FullName };
            var store = new IdentityStore(options.StateDirectory, TimeProvider.System);
            try
            {
                var (identity, key) = store.Load();
                using (key)
                {
                    await using var outbox = await SqliteOutboxFactory.OpenAsync(options.OutboxPath, new OutboxOptions(), TimeProvider.System, NullLogger.Instance, ct).ConfigureAwait(false);
                    var file = parse.GetValue(output)!;
                    var temp = file.FullName + ".tmp";
                    LedgerExportSummary summary;
                    await using (var stream = File.Create(temp))
                    {
                        summary = await LedgerExport.WriteAsync(outbox, new KeySigner(identity, key), await File.ReadAllTextAsync(store.PublicKeyPath, ct).ConfigureAwait(false), stream, ct).ConfigureAwait(false);
                    }

                    File.Move(temp, file.FullName, overwrite: true);
                    parse.InvocationConfiguration.Output.WriteLine(
                        $"exported {summary.Records} record(s) and {summary.Tombstones} tombstone(s), seq {summary.FirstSeq}-{summary.LastSeq}, of device {identity.DeviceId} " +
                        $"(the hub acknowledged up to seq {await outbox.AcknowledgedAsync(ct).ConfigureAwait(false)}) to {file.FullName}" +
                        (summary.Complete ? "" : "; the export holds the oldest entries that fit in one 1 MiB batch: not everything held"));
                    return ExitCodes.Ok;
                }
            }
            catch (Exception e) when (e is DeviceNotProvisionedException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Verify()
    {
        var input = new Option<FileInfo>("--in") { Description = "An export written by `edgeagent ledger export`.", Required = true };
        var key = new Option<FileInfo?>("--key")
        {
            Description = "The device's public key (PEM) as enrolled at the hub. Without it the key inside the export is used, which proves integrity but not origin.",
        };
        var command = new Command(
            "verify",
            "Check an export offline: every record decodes, links to the one before (hash chain, tombstones included), and the " +
            "checkpoint verifies with the device key. Exit codes: 0 verified, 3 a problem was found (each listed), 2 unreadable input.");
        command.Options.Add(input);
        command.Options.Add(key);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                error.WriteLine($"error: --in {file.FullName}: no such file");
                return ExitCodes.BadInput;
            }

            using var pinned = parse.GetValue(key) is { } keyFile ? LoadPublicKey(keyFile, error) : null;
            if (parse.GetValue(key) is not null && pinned is null)
            {
                return ExitCodes.BadInput;
            }

            var report = LedgerExport.Verify(await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false), pinned);
            if (report.IsValid)
            {
                output.WriteLine($"verified: device {report.DeviceId}, seq {report.FirstSeq}-{report.LastSeq}, {report.Accepted} entr(ies), every link and the checkpoint signature " +
                    (pinned is null ? "(with the key inside the export: integrity, not origin; pass --key to pin the enrolled key)" : "(with the key given by --key)"));
                return ExitCodes.Ok;
            }

            foreach (var p in report.Problems)
            {
                error.WriteLine($"{p.Reason} at seq {p.Seq}: {p.Detail}");
            }

            error.WriteLine($"NOT verified: {report.Problems.Count} problem(s) in {file.FullName}");
            return ExitCodes.ModelProblem;
        });
        return command;
    }

    private static ECDsa? LoadPublicKey(FileInfo file, TextWriter error)
    {
        if (!file.Exists)
        {
            error.WriteLine($"error: --key {file.FullName}: no such file");
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(file.FullName));
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            error.WriteLine($"error: --key {file.FullName} is not an EC public key in PEM: {e.Message}");
            return null;
        }
    }

    /// <summary>Signs the export's checkpoint with the device key, without opening the ledger (which would count a boot).</summary>
    private sealed class KeySigner(DeviceIdentity identity, ECDsa key) : ICheckpointSigner
    {
        public string DeviceId => identity.DeviceId;

        public string ProductId => identity.ProductId;

        public Checkpoint Sign(long seq, string hash) => Checkpoint.Sign(key, identity.DeviceId, seq, hash);
    }
}
