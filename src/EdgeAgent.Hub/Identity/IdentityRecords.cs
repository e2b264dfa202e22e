using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Identity;

/// <summary>A one-time enrolment token as stored: only the SHA-256 of the token text is kept.</summary>
internal sealed record TokenRow(string TokenHash, string DeviceId, string ProductId, long CreatedAtMs, long ExpiresAtMs, long? UsedAtMs);

/// <summary>A certificate the hub CA issued to a device.</summary>
internal sealed record CertificateRow(string SerialNumber, string DeviceId, string ProductId, string KeyId, long NotBeforeMs, long NotAfterMs, long IssuedAtMs, string CertificatePem);

/// <summary>A revoked device: refused at connect, dropped if connected, left out of the broker ACL.</summary>
internal sealed record RevocationRow(string DeviceId, string Reason, long RevokedAtMs);

/// <summary>The identity tables (<see cref="IdentitySchema"/>) over a <see cref="HubStore"/>'s connection, inside its write transaction when one is open.</summary>
internal sealed class IdentityRecords(HubStore store)
{
    /// <summary>Token text: 32 random bytes, base64url; what the operator hands to the device installer.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public void InsertToken(TokenRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var cmd = store.Sql("INSERT INTO enrolment_tokens (token_hash, device_id, product_id, created_at_ms, expires_at_ms, used_at_ms) VALUES ($h, $d, $p, $c, $e, NULL)");
        cmd.Parameters.AddWithValue("$h", row.TokenHash);
        cmd.Parameters.AddWithValue("$d", row.DeviceId);
        cmd.Parameters.AddWithValue("$p", row.ProductId);
        cmd.Parameters.AddWithValue("$c", row.CreatedAtMs);
        cmd.Parameters.AddWithValue("$e", row.ExpiresAtMs);
        cmd.ExecuteNonQuery();
    }

    public TokenRow? FindToken(string tokenHash)
    {
        using var cmd = store.Sql("SELECT token_hash, device_id, product_id, created_at_ms, expires_at_ms, used_at_ms FROM enrolment_tokens WHERE token_hash = $h");
        cmd.Parameters.AddWithValue("$h", tokenHash);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new TokenRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.IsDBNull(5) ? null : r.GetInt64(5)) : null;
    }

    /// <summary>Marks the token used; false when it was used (or expired) meanwhile, so two requests cannot both spend it.</summary>
    public bool SpendToken(string tokenHash, long nowMs)
    {
        using var cmd = store.Sql("UPDATE enrolment_tokens SET used_at_ms = $n WHERE token_hash = $h AND used_at_ms IS NULL AND expires_at_ms > $n");
        cmd.Parameters.AddWithValue("$h", tokenHash);
        cmd.Parameters.AddWithValue("$n", nowMs);
        return cmd.ExecuteNonQuery() == 1;
    }

    public void InsertCertificate(CertificateRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var cmd = store.Sql("INSERT INTO device_certificates (serial_number, device_id, product_id, key_id, not_before_ms, not_after_ms, issued_at_ms, certificate_pem) VALUES ($s, $d, $p, $k, $b, $a, $i, $c)");
        cmd.Parameters.AddWithValue("$s", row.SerialNumber);
        cmd.Parameters.AddWithValue("$d", row.DeviceId);
        cmd.Parameters.AddWithValue("$p", row.ProductId);
        cmd.Parameters.AddWithValue("$k", row.KeyId);
        cmd.Parameters.AddWithValue("$b", row.NotBeforeMs);
        cmd.Parameters.AddWithValue("$a", row.NotAfterMs);
        cmd.Parameters.AddWithValue("$i", row.IssuedAtMs);
        cmd.Parameters.AddWithValue("$c", row.CertificatePem);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every certificate issued, oldest first.</summary>
    public IReadOnlyList<CertificateRow> Certificates()
    {
        using var cmd = store.Sql("SELECT serial_number, device_id, product_id, key_id, not_before_ms, not_after_ms, issued_at_ms, certificate_pem FROM device_certificates ORDER BY issued_at_ms, serial_number");
        using var r = cmd.ExecuteReader();
        var list = new List<CertificateRow>();
        while (r.Read())
        {
            list.Add(new CertificateRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7)));
        }

        return list;
    }

    /// <summary>Revokes the device; false when it was revoked already (the first reason and time are kept).</summary>
    public bool Revoke(RevocationRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var cmd = store.Sql("INSERT INTO revocations (device_id, reason, revoked_at_ms) VALUES ($d, $r, $t) ON CONFLICT(device_id) DO NOTHING");
        cmd.Parameters.AddWithValue("$d", row.DeviceId);
        cmd.Parameters.AddWithValue("$r", row.Reason);
        cmd.Parameters.AddWithValue("$t", row.RevokedAtMs);
        return cmd.ExecuteNonQuery() == 1;
    }

    public RevocationRow? FindRevocation(string deviceId)
    {
        using var cmd = store.Sql("SELECT device_id, reason, revoked_at_ms FROM revocations WHERE device_id = $d");
        cmd.Parameters.AddWithValue("$d", deviceId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new RevocationRow(r.GetString(0), r.GetString(1), r.GetInt64(2)) : null;
    }

    public IReadOnlyList<RevocationRow> Revocations()
    {
        using var cmd = store.Sql("SELECT device_id, reason, revoked_at_ms FROM revocations ORDER BY device_id");
        using var r = cmd.ExecuteReader();
        var list = new List<RevocationRow>();
        while (r.Read())
        {
            list.Add(new RevocationRow(r.GetString(0), r.GetString(1), r.GetInt64(2)));
        }

        return list;
    }

    /// <summary>What the broker needs to decide: revoked devices, and devices holding a hub certificate (with their product).</summary>
    public AccessSnapshot Snapshot()
    {
        var revoked = Revocations().Select(r => r.DeviceId).ToHashSet(StringComparer.Ordinal);
        var certified = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in Certificates())
        {
            certified[c.DeviceId] = c.ProductId;
        }

        return new AccessSnapshot(revoked, certified);
    }

    public static string Iso(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An immutable view of who may use the broker as which device, swapped whole when the tables change.</summary>
internal sealed record AccessSnapshot(IReadOnlySet<string> Revoked, IReadOnlyDictionary<string, string> Certified)
{
    public static readonly AccessSnapshot Empty = new(new HashSet<string>(), new Dictionary<string, string>());
}
