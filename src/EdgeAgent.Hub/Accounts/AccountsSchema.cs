namespace EdgeAgent.Hub.Accounts;

/// <summary>
/// The hub database's migration step for dashboard accounts. It also creates the registry tables the tenant checks read
/// (organisations, products, sites, serials) with the DDL shared with the registry, so either side may create them first.
/// </summary>
internal static class AccountsSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS organisations(org_id TEXT PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT NOT NULL, related_to TEXT NULL);
        CREATE TABLE IF NOT EXISTS products(product_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sites(site_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, region_code TEXT NOT NULL, pilot_programme TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS serials(serial TEXT PRIMARY KEY, product_id TEXT NOT NULL, unit_class TEXT NOT NULL, manufactured_on TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS accounts (user_name TEXT PRIMARY KEY, role TEXT NOT NULL, org_id TEXT NULL, site_id TEXT NULL, password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL);
        """;
}
