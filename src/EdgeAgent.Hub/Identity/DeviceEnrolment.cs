using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Hub.Devices;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Identity;

/// <summary>Why an enrolment was refused; the HTTP status follows from it.</summary>
internal enum EnrolmentFailure
{
    None,
    BadRequest,
    BadToken,
    Revoked,
    KeyConflict,
}

/// <summary>What <see cref="DeviceEnrolment.Enrol"/> did: a certificate, or why not (a message fit to show the installer).</summary>
internal sealed record EnrolmentOutcome(EnrolmentFailure Failure, string Message, string DeviceId = "", string ProductId = "", string CertificatePem = "", string SerialNumber = "")
{
    public bool Succeeded => Failure == EnrolmentFailure.None;
}

/// <summary>
/// Enrolment with a one-time token: a PKCS#10 CSR signed by the device key (so the requester holds that key) is checked
/// against the token (known, unused, unexpired, for the device the CSR names), the device's public key is enrolled for
/// ingestion exactly as <c>edgehub devices enroll --key</c> does (another key for an enrolled serial is refused), and
/// the hub CA issues the device certificate. Token, key and certificate change in one transaction, or nothing does.
/// </summary>
internal sealed class DeviceEnrolment(HubCertificateAuthority ca, TimeProvider time)
{
    /// <summary>How long a device certificate is valid; a revoked device is refused long before.</summary>
    public static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(10 * 365);

    /// <summary>Longest CSR accepted, in characters of PEM.</summary>
    public const int MaxCsrLength = 16 * 1024;

    public EnrolmentOutcome Enrol(HubStore store, string token, string csrPem)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (string.IsNullOrWhiteSpace(token))
        {
            return new(EnrolmentFailure.BadRequest, "token: an enrolment token is required (edgehub devices token prints one)");
        }

        if (string.IsNullOrWhiteSpace(csrPem) || csrPem.Length > MaxCsrLength)
        {
            return new(EnrolmentFailure.BadRequest, $"csr: a PEM 'CERTIFICATE REQUEST' of at most {MaxCsrLength} characters is required");
        }

        CertificateRequest request;
        try
        {
            // The signature is checked here: the CSR proves its sender holds the private key of the key it names.
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException e)
        {
            return new(EnrolmentFailure.BadRequest, $"csr: not a valid, self-signed PKCS#10 request: {e.Message}");
        }

        using var publicKey = request.PublicKey.GetECDsaPublicKey();
        if (publicKey is null)
        {
            return new(EnrolmentFailure.BadRequest, "csr: the key must be the device's EC P-256 key, not another kind");
        }

        if (!DeviceKeys.TryRead(publicKey.ExportSubjectPublicKeyInfoPem(), out var keyPem, out var keyId, out var keyProblem))
        {
            return new(EnrolmentFailure.BadRequest, $"csr: the key must be the device's EC P-256 key ({keyProblem})");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var records = new IdentityRecords(store);
        var hash = IdentityRecords.HashToken(token.Trim());
        if (records.FindToken(hash) is not { } row)
        {
            return new(EnrolmentFailure.BadToken, "token: not an enrolment token of this hub");
        }

        if (row.UsedAtMs is { } used)
        {
            return new(EnrolmentFailure.BadToken, $"token: already used at {IdentityRecords.Iso(used)} (tokens are single-use; issue another with edgehub devices token)");
        }

        if (row.ExpiresAtMs <= now)
        {
            return new(EnrolmentFailure.BadToken, $"token: expired at {IdentityRecords.Iso(row.ExpiresAtMs)} (issue another with edgehub devices token)");
        }

        var commonName = request.SubjectName.EnumerateRelativeDistinguishedNames()
            .FirstOrDefault(n => n.GetSingleElementType().Value == "2.5.4.3")?.GetSingleElementValue();
        if (commonName != row.DeviceId)
        {
            return new(EnrolmentFailure.BadRequest, $"csr: subject CN '{commonName}' is not device '{row.DeviceId}', the device this token was issued for");
        }

        var unit = request.SubjectName.EnumerateRelativeDistinguishedNames()
            .FirstOrDefault(n => n.GetSingleElementType().Value == "2.5.4.11")?.GetSingleElementValue();
        if (unit is not null && unit != row.ProductId)
        {
            return new(EnrolmentFailure.BadRequest, $"csr: subject OU '{unit}' is not product '{row.ProductId}', the product this token was issued for");
        }

        if (records.FindRevocation(row.DeviceId) is { } revoked)
        {
            return new(EnrolmentFailure.Revoked, $"device {row.DeviceId} was revoked at {IdentityRecords.Iso(revoked.RevokedAtMs)} ({revoked.Reason}); it cannot enrol again");
        }

        store.BeginWrite();
        try
        {
            try
            {
                store.Enroll(new DeviceRow(row.DeviceId, row.ProductId, keyPem, keyId, now));
            }
            catch (InvalidOperationException e)
            {
                store.RollbackWrite();
                return new(EnrolmentFailure.KeyConflict, e.Message);
            }

            if (!records.SpendToken(hash, now))
            {
                store.RollbackWrite();
                return new(EnrolmentFailure.BadToken, "token: used or expired while this request was handled");
            }

            using var certificate = ca.IssueDevice(request.PublicKey, row.DeviceId, row.ProductId, CertificateValidity);
            var pem = certificate.ExportCertificatePem();
            records.InsertCertificate(new CertificateRow(certificate.SerialNumber, row.DeviceId, row.ProductId, keyId,
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeMilliseconds(), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(), now, pem));
            store.CommitWrite();
            return new(EnrolmentFailure.None, $"enrolled device {row.DeviceId} of product {row.ProductId} with key {keyId}", row.DeviceId, row.ProductId, pem, certificate.SerialNumber);
        }
        catch
        {
            store.RollbackWrite();
            throw;
        }
    }
}
