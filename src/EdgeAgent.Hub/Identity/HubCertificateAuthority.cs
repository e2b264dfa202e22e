using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Hub.Identity;

/// <summary>
/// The hub's small certificate authority: an ECDSA P-256 key and a self-signed CA certificate in the hub's state directory
/// (the database's directory), created once. The key file is written owner-only (0600) from its creation and is never
/// logged or sent. It issues device certificates from enrolment CSRs, the broker's server certificate, and the
/// ingestion client certificate used with an external broker.
/// </summary>
internal sealed class HubCertificateAuthority : IDisposable
{
    public const string CertificateFile = "hub-ca.pem";
    public const string KeyFile = "hub-ca.key";

    /// <summary>The certificate name (and, with an external broker, the MQTT username) of the hub's own ingestion client.</summary>
    public const string IngestionName = "edgehub-ingest";

    /// <summary>The OID of TLS client authentication.</summary>
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>The OID of TLS server authentication.</summary>
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(20 * 365);
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ECDsa _key;
    private readonly TimeProvider _time;

    private HubCertificateAuthority(ECDsa key, X509Certificate2 certificate, string directory, TimeProvider time)
    {
        _key = key;
        Certificate = certificate;
        Directory = directory;
        _time = time;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public string Directory { get; }

    public string CertificatePath => Path.Combine(Directory, CertificateFile);

    /// <summary>The state directory of the hub whose database is <paramref name="databasePath"/>.</summary>
    public static string DirectoryOf(string databasePath) => Path.GetDirectoryName(Path.GetFullPath(databasePath))!;

    /// <summary>Loads the CA of the state directory, creating key and certificate the first time (safe against a concurrent first start).</summary>
    /// <exception cref="InvalidOperationException">The key file is readable by others or is not an EC key.</exception>
    public static HubCertificateAuthority OpenOrCreate(string directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        var keyPath = Path.Combine(full, KeyFile);
        var certPath = Path.Combine(full, CertificateFile);
        var key = PemFiles.LoadOrCreateKey(keyPath, "the hub CA key");

        if (!File.Exists(certPath))
        {
            var now = time.GetUtcNow();
            var request = new CertificateRequest(new X500DistinguishedName($"CN=EdgeAgent hub CA {Checkpoint(key)}"), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var self = request.CreateSelfSigned(now - Backdate, now + CaValidity);
            _ = PemFiles.TryCreate(certPath, self.ExportCertificatePem(), PemFiles.Readable);
        }

        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        using (var certKey = certificate.GetECDsaPublicKey())
        {
            if (certKey is null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                key.Dispose();
                throw new InvalidOperationException($"{certPath} is not the certificate of the key in {keyPath}; restore both from the same backup");
            }
        }

        return new HubCertificateAuthority(key, certificate, full, time);
    }

    /// <summary>A device certificate for <paramref name="publicKey"/>: CN = serial, OU = product, SAN URI <c>urn:edgeagent:{product}:{device}</c>, client auth only.</summary>
    public X509Certificate2 IssueDevice(PublicKey publicKey, string deviceId, string productId, TimeSpan validity)
    {
        var request = new CertificateRequest(DeviceName(deviceId, productId), publicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(DeviceUri(productId, deviceId));
        request.CertificateExtensions.Add(names.Build());
        return Sign(request, validity, ClientAuth);
    }

    /// <summary>The ingestion client's certificate (CN <see cref="IngestionName"/>) for an external broker, with a new key.</summary>
    public X509Certificate2 IssueIngestion(ECDsa key, TimeSpan validity)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={IngestionName}, OU=edgehub"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri("urn:edgeagent:hub:ingest"));
        request.CertificateExtensions.Add(names.Build());
        return Sign(request, validity, ClientAuth);
    }

    /// <summary>A broker server certificate for these names (IP addresses and DNS names), with <paramref name="key"/>.</summary>
    public X509Certificate2 IssueServer(ECDsa key, IEnumerable<string> names, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={list.FirstOrDefault() ?? "edgehub"}, OU=edgehub"), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in list)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        return Sign(request, validity, ServerAuth);
    }

    /// <summary>A CRL signed by this CA listing these certificate serial numbers (hex), for an external broker's <c>crlfile</c>.</summary>
    public byte[] RevocationList(IEnumerable<string> serialNumbers, long crlNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumbers);
        var builder = new CertificateRevocationListBuilder();
        var now = _time.GetUtcNow();
        foreach (var serial in serialNumbers)
        {
            builder.AddEntry(Convert.FromHexString(serial), now, X509RevocationReason.CessationOfOperation);
        }

        using var ca = Certificate.CopyWithPrivateKey(_key);
        return builder.Build(ca, crlNumber, now + TimeSpan.FromDays(3650), HashAlgorithmName.SHA256, null, now - Backdate);
    }

    /// <summary>True when <paramref name="certificate"/> chains to this CA (and only this CA) and is valid now.</summary>
    public bool Chains(X509Certificate2 certificate, out string problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(certificate) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span))
        {
            problem = "";
            return true;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        problem = $"the certificate '{certificate.Subject}' does not chain to this hub's CA ({string.Join(", ", statuses)})";
        return false;
    }

    /// <summary>The device and product a device certificate names in its SAN URI; false for any other certificate.</summary>
    public static bool TryReadDevice(X509Certificate2 certificate, out string deviceId, out string productId)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        (deviceId, productId) = ("", "");
        foreach (var uri in SubjectUris(certificate))
        {
            var parts = uri.Split(':');
            if (parts is ["urn", "edgeagent", var product, var device] && product != "hub" &&
                Contracts.Records.RecordCodec.IsValidId(product) && Contracts.Records.RecordCodec.IsValidId(device) &&
                certificate.GetNameInfo(X509NameType.SimpleName, false) == device)
            {
                (deviceId, productId) = (device, product);
                return true;
            }
        }

        return false;
    }

    /// <summary>True for the ingestion client's certificate (its SAN URI <c>urn:edgeagent:hub:ingest</c>).</summary>
    public static bool IsIngestion(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SubjectUris(certificate).Contains("urn:edgeagent:hub:ingest");
    }

    /// <summary>The uniformResourceIdentifier entries ([6] IA5String) of the certificate's subject alternative names.</summary>
    public static IReadOnlyList<string> SubjectUris(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = new List<string>();
        if (certificate.Extensions["2.5.29.17"] is not { } extension)
        {
            return uris;
        }

        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                if (names.PeekTag().HasSameClassAndValue(uriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            uris.Clear();
        }

        return uris;
    }

    public static Uri DeviceUri(string productId, string deviceId) => new($"urn:edgeagent:{productId}:{deviceId}");

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static X500DistinguishedName DeviceName(string deviceId, string productId)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationalUnitName(productId);
        name.AddCommonName(deviceId);
        return name.Build();
    }

    private X509Certificate2 Sign(CertificateRequest request, TimeSpan validity, string usage)
    {
        var now = _time.GetUtcNow();
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        var notAfter = now + validity;
        if (notAfter > Certificate.NotAfter.ToUniversalTime())
        {
            notAfter = Certificate.NotAfter.ToUniversalTime();
        }

        return request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now - Backdate, notAfter, serial);
    }

    private static string Checkpoint(ECDsa key) => Contracts.Records.Checkpoint.KeyIdOf(key)[..8];
}
