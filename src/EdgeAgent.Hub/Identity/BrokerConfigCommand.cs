using System.CommandLine;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Identity;

/// <summary><c>edgehub broker-config --out DIR</c>: TLS and ACL configuration for an external Mosquitto.</summary>
internal static class BrokerConfigCommand
{
    public static Command Build(TimeProvider time)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write mosquitto.conf, acl, ca.pem, server.pem, server.key and crl.pem into (created if missing).", Required = true };
        var listen = new Option<string>("--listen")
        {
            Description = "Address:port of Mosquitto's TLS listener (default: 0.0.0.0:8883).",
            DefaultValueFactory = _ => "0.0.0.0:8883",
        };
        var names = new Option<string[]>("--tls-name") { Description = "A DNS name or IP address devices use to reach Mosquitto, added to its server certificate; repeatable." };
        var db = CommonOptions.Database();
        var command = new Command(
            "broker-config",
            "Write what an external Mosquitto needs to enforce the hub's rules: a TLS listener requiring client certificates of " +
            "the hub CA (CN as username), its server certificate and key, a CRL of revoked devices, and an ACL with one block per " +
            "enrolled, unrevoked device plus the hub's ingestion user. Also issues the ingestion's client certificate next to the " +
            "database, for edgehub serve --broker mqtts://HOST:PORT. Run it again after every enrolment or revocation and reload " +
            "Mosquitto (kill -HUP).");
        command.Options.Add(output);
        command.Options.Add(listen);
        command.Options.Add(names);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!HubOptions.TryParseListen(parse.GetValue(listen)!, out var address, out var port))
            {
                error.WriteLine($"error: --listen '{parse.GetValue(listen)}': expected ADDRESS:PORT with an IP address and a port 1-65535, e.g. 0.0.0.0:8883");
                return ExitCodes.BadInput;
            }

            var extra = parse.GetValue(names) ?? [];
            foreach (var name in extra)
            {
                if (Uri.CheckHostName(name) is UriHostNameType.Unknown or UriHostNameType.Basic)
                {
                    error.WriteLine($"error: --tls-name '{name}': expected a DNS name or an IP address");
                    return ExitCodes.BadInput;
                }
            }

            try
            {
                var dbPath = parse.GetValue(db)!;
                using var store = HubStore.Open(dbPath);
                using var ca = HubCertificateAuthority.OpenOrCreate(HubCertificateAuthority.DirectoryOf(dbPath), time);
                var files = BrokerConfig.Write(store, ca, parse.GetValue(output)!.FullName, address, port, extra, time);
                var (ingestCert, _) = IngestionCredentials.EnsureCertificate(ca, time);
                var o = parse.InvocationConfiguration.Output;
                o.WriteLine($"wrote {files.Config} and {files.Acl}: {files.Devices} device(s) with certificates, {files.Revoked} revoked left out");
                o.WriteLine($"server certificate {files.CertFile} (key {files.KeyFile}, owner-only: chown it to the user Mosquitto runs as), CA {files.CaFile}, CRL {files.CrlFile}");
                o.WriteLine($"the hub's ingestion certificate: {ingestCert}; consume with: edgehub serve --db {dbPath} --broker mqtts://HOST:{port}");
                o.WriteLine("run again after every enrolment or revocation, then reload Mosquitto: kill -HUP $(pidof mosquitto)");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
