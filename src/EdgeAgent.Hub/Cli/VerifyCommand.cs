using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using EdgeAgent.Hub.Bundle;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub verify</c>: an auditor's offline check of an evidence bundle.</summary>
internal static class VerifyCommand
{
    public static Command Build()
    {
        var bundle = new Argument<string>("bundle") { Description = "The evidence bundle (zip) written by `edgehub export evidence`." };
        var hubKey = new Option<string?>("--hub-key")
        {
            Description = "The hub's evidence public key (PEM), obtained out of band; without it the key inside the bundle is used, which proves integrity but not origin.",
        };
        var command = new Command(
            "verify",
            "Check an evidence bundle offline, needing nothing but the file: the manifest's signature, every file and line against it, " +
            "each device's key against the enrolled one, every record's link from the first, and every checkpoint signature; then it " +
            "recomputes the bundled reports from the bundle's inputs with the bundled profile and names every figure that differs. " +
            "Prints each finding as FILE[:LINE] [(seq N)]: reason: detail (for a figure, detail is JSONPATH: bundled X, recomputed Y). Exit 0 when everything checks out, 1 when something does not, 2 for unreadable input.");
        command.Arguments.Add(bundle);
        command.Options.Add(hubKey);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(bundle)!;
            ECDsa? pinned = null;
            try
            {
                if (parse.GetValue(hubKey) is { } keyPath)
                {
                    pinned = ECDsa.Create();
                    pinned.ImportFromPem(File.ReadAllText(keyPath));
                }

                using var stream = File.OpenRead(path);
                var result = BundleVerifier.Verify(stream, pinned);
                foreach (var finding in result.Findings)
                {
                    output.WriteLine(finding.ToString());
                }

                var scope = result.Manifest is { } m ? string.Create(CultureInfo.InvariantCulture, $"product {m.ProductId}, year {m.Year}, hub key {m.HubKeyId}") : "unreadable manifest";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(result.IsValid ? "verified" : "NOT VERIFIED")}: {path} ({scope}): {result.Devices} device(s), {result.Records} record(s), {result.Tombstones} dropped, {result.Checkpoints} checkpoint(s), {result.ReportsRecomputed} report(s) recomputed; {result.Findings.Count} finding(s)"));
                return result.IsValid ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CryptographicException or ArgumentException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            finally
            {
                pinned?.Dispose();
            }
        });
        return command;
    }
}
