using System.Security.Cryptography;

namespace EdgeAgent.Hub.Devices;

/// <summary>Reads a device's enrolment key: a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an EC P-256 key, nothing else.</summary>
internal static class DeviceKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The key's normalised PEM and key id, or why the text is not a P-256 public key.</summary>
    public static bool TryRead(string pemText, out string pem, out string keyId, out string? problem)
    {
        (pem, keyId) = ("", "");
        if (!PemEncoding.TryFind(pemText, out var fields) || pemText[fields.Label] != "PUBLIC KEY")
        {
            problem = "expected a PEM block '-----BEGIN PUBLIC KEY-----' (the device's public key, never its private key)";
            return false;
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(pemText[fields.Base64Data]), out _);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            problem = $"not an EC public key: {e.Message}";
            return false;
        }

        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            problem = $"the key is on curve {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "?"}; devices sign with EC P-256 (nistP256)";
            return false;
        }

        pem = key.ExportSubjectPublicKeyInfoPem();
        keyId = EdgeAgent.Contracts.Records.Checkpoint.KeyIdOf(key);
        problem = null;
        return true;
    }
}
