using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Identity;

/// <summary>The files <see cref="BrokerConfig.Write"/> wrote.</summary>
internal sealed record BrokerConfigFiles(string Config, string Acl, string CaFile, string CertFile, string KeyFile, string CrlFile, int Devices, int Revoked);

/// <summary>
/// What an external Mosquitto needs to enforce the same rules as the embedded broker: a TLS listener that requires a
/// client certificate of the hub CA and takes its CN as the username, a server certificate issued by the hub CA, a CRL of
/// revoked devices' certificates, and an ACL with one block per enrolled, unrevoked device (its own topics only) plus
/// the hub's ingestion user. It is a snapshot: write it again after every enrolment or revocation and reload Mosquitto.
/// </summary>
internal static class BrokerConfig
{
    public const string ConfigFile = "mosquitto.conf";
    public const string AclFile = "acl";
    public const string CaFile = "ca.pem";
    public const string CertFile = "server.pem";
    public const string KeyFile = "server.key";
    public const string CrlFile = "crl.pem";

    public static BrokerConfigFiles Write(HubStore store, HubCertificateAuthority ca, string directory, IPAddress address, int port, IReadOnlyList<string> names, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(time);
        var dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var records = new IdentityRecords(store);
        var revoked = records.Revocations().Select(r => r.DeviceId).ToHashSet(StringComparer.Ordinal);
        var certificates = records.Certificates();
        var devices = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in certificates.Where(c => !revoked.Contains(c.DeviceId)))
        {
            if (store.FindDevice(c.DeviceId) is { } enrolled && enrolled.ProductId == c.ProductId)
            {
                devices[c.DeviceId] = c.ProductId;
            }
        }

        var path = (string name) => Path.Combine(dir, name);
        var now = time.GetUtcNow();

        var acl = new StringBuilder();
        acl.Append(CultureInfo.InvariantCulture, $"# edgehub broker-config {now:yyyy-MM-ddTHH:mm:ssZ}: {devices.Count} device(s), {revoked.Count} revoked left out.\n");
        acl.Append("# Write again after every enrolment or revocation, then reload Mosquitto (kill -HUP).\n\n");
        acl.Append(CultureInfo.InvariantCulture, $"user {HubCertificateAuthority.IngestionName}\n");
        acl.Append(CultureInfo.InvariantCulture, $"topic read {Topics.AllEvents}\ntopic read {Topics.AllClock}\ntopic write {Topics.Prefix}/+/+/ack\ntopic write {Topics.Prefix}/+/+/cmd/#\n");
        foreach (var (device, product) in devices)
        {
            acl.Append(CultureInfo.InvariantCulture, $"\nuser {device}\n");
            acl.Append(CultureInfo.InvariantCulture, $"topic write {Topics.Events(product, device)}\ntopic write {Topics.Clock(product, device)}\ntopic write {Topics.State(product, device)}\n");
            acl.Append(CultureInfo.InvariantCulture, $"topic read {Topics.Ack(product, device)}\ntopic read {Topics.Prefix}/{product}/{device}/cmd/#\n");
        }

        PemFiles.Write(path(CaFile), ca.CertificatePem, PemFiles.Readable);
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var all = new List<string> { "127.0.0.1", "localhost", Dns.GetHostName() };
            if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
            {
                all.Add(address.ToString());
            }

            all.AddRange(names);
            using var server = ca.IssueServer(key, all, TimeSpan.FromDays(2 * 365));
            PemFiles.Write(path(CertFile), server.ExportCertificatePem(), PemFiles.Readable);
            // Mosquitto may read its key after dropping root to its own user: chown it to that user if it does.
            PemFiles.Write(path(KeyFile), key.ExportPkcs8PrivateKeyPem(), PemFiles.OwnerOnly);
        }

        var revokedSerials = certificates.Where(c => revoked.Contains(c.DeviceId)).Select(c => c.SerialNumber).ToList();
        var crl = ca.RevocationList(revokedSerials, now.ToUnixTimeSeconds());
        PemFiles.Write(path(CrlFile), PemEncoding.WriteString("X509 CRL", crl), PemFiles.Readable);
        PemFiles.Write(path(AclFile), acl.ToString(), PemFiles.Readable);

        var listener = address.Equals(IPAddress.Any) ? $"listener {port}" : $"listener {port} {address}";
        var conf = $"""
            # edgehub broker-config {now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}: devices connect with the certificate the hub CA issued them.
            # Write again after every enrolment or revocation, then reload Mosquitto (kill -HUP); a changed CRL may need a restart.
            # The hub consumes over this listener with its own certificate: edgehub serve --broker mqtts://HOST:{port}
            per_listener_settings false
            allow_anonymous false
            acl_file {path(AclFile)}
            {listener}
            cafile {path(CaFile)}
            certfile {path(CertFile)}
            keyfile {path(KeyFile)}
            crlfile {path(CrlFile)}
            require_certificate true
            use_identity_as_username true
            tls_version tlsv1.2

            """;
        PemFiles.Write(path(ConfigFile), conf, PemFiles.Readable);
        return new BrokerConfigFiles(path(ConfigFile), path(AclFile), path(CaFile), path(CertFile), path(KeyFile), path(CrlFile), devices.Count, revoked.Count);
    }
}
