namespace EdgeAgent.Hub.Accounts;

/// <summary>
/// The hub database's migration step for dashboard accounts (after the registry's step, which creates the organisations,
/// products, sites and serials the tenant checks read).
/// </summary>
internal static class AccountsSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS accounts (user_name TEXT PRIMARY KEY, role TEXT NOT NULL, org_id TEXT NULL, site_id TEXT NULL, password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL);
        """;
}
