namespace EdgeAgent.Hub.Releases;

/// <summary>
/// The release registry's tables, applied by <see cref="Store.HubStore"/> as one migration step: the release keys the hub
/// has signed with (and which of them are revoked), and every published release with its signed <c>release.json</c>
/// bytes exactly as served. The artifacts themselves are files, content-addressed beside the database (<see cref="ArtifactStore"/>).
/// </summary>
internal static class ReleasesSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS release_keys (key_id TEXT PRIMARY KEY, public_key_pem TEXT NULL, added_at_ms INTEGER NOT NULL,
            revoked_at_ms INTEGER NULL, revoked_reason TEXT NULL);
        CREATE TABLE IF NOT EXISTS releases (name TEXT NOT NULL, version TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
            key_id TEXT NOT NULL, release_json BLOB NOT NULL, published_at_ms INTEGER NOT NULL, PRIMARY KEY (name, version));
        """;
}
