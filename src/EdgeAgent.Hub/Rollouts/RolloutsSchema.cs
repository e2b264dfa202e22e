namespace EdgeAgent.Hub.Rollouts;

/// <summary>
/// The rollout tables, applied by <see cref="Store.HubStore"/> as one migration step: each campaign (its release, target,
/// waves, gates, probation policy, state and current wave), its target set fixed at creation (each device's place in
/// the order, what it last reported, the directive the hub wants it to have and whether that was published), and every
/// state change of a campaign with its reason and time.
/// </summary>
internal static class RolloutsSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS campaigns (campaign_id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
            product_id TEXT NOT NULL, board TEXT NULL, site TEXT NULL, waves TEXT NOT NULL, min_success TEXT NOT NULL, halt_failures TEXT NOT NULL,
            probation_calls INTEGER NOT NULL, probation_seconds REAL NOT NULL, max_error_rate REAL NOT NULL, latency_tolerance REAL NOT NULL, max_drift REAL NOT NULL,
            state TEXT NOT NULL, wave INTEGER NOT NULL, reason TEXT NOT NULL, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_devices (campaign_id TEXT NOT NULL, device_id TEXT NOT NULL, position INTEGER NOT NULL,
            board TEXT NULL, agent_version TEXT NULL, site TEXT NULL, wave INTEGER NULL, directive TEXT NULL, directive_sent INTEGER NOT NULL DEFAULT 0,
            state TEXT NULL, reason TEXT NULL, detail TEXT NULL, rolled_back INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0,
            directed_at_ms INTEGER NULL, updated_at_ms INTEGER NULL, PRIMARY KEY (campaign_id, device_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS campaign_devices_device ON campaign_devices (device_id);
        CREATE TABLE IF NOT EXISTS campaign_events (id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id TEXT NOT NULL, at_ms INTEGER NOT NULL,
            state TEXT NOT NULL, wave INTEGER NOT NULL, reason TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS campaign_events_campaign ON campaign_events (campaign_id, id);
        """;
}
