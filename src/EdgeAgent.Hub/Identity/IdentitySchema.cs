namespace EdgeAgent.Hub.Identity;

/// <summary>
/// The identity tables, applied by <see cref="Store.HubStore"/> as one migration step: one-time enrolment tokens (only
/// their SHA-256 is kept), the certificates the hub CA issued, and revoked devices.
/// </summary>
internal static class IdentitySchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS enrolment_tokens (token_hash TEXT PRIMARY KEY, device_id TEXT NOT NULL, product_id TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, used_at_ms INTEGER NULL);
        CREATE TABLE IF NOT EXISTS device_certificates (serial_number TEXT PRIMARY KEY, device_id TEXT NOT NULL, product_id TEXT NOT NULL,
            key_id TEXT NOT NULL, not_before_ms INTEGER NOT NULL, not_after_ms INTEGER NOT NULL, issued_at_ms INTEGER NOT NULL, certificate_pem TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS device_certificates_device ON device_certificates (device_id);
        CREATE TABLE IF NOT EXISTS revocations (device_id TEXT PRIMARY KEY, reason TEXT NOT NULL, revoked_at_ms INTEGER NOT NULL);
        """;
}
