namespace EdgeAgent.Hub.Registry;

/// <summary>
/// The registry's tables (IMPORTS.md beside this file describes every column). The first four are shared with the other
/// parts of the hub and have exactly this DDL whoever creates them; the rest are the registry's own. Applied by
/// <see cref="Store.HubStore"/> as one migration step. Amounts are decimal CNY kept as canonical text ("1234.50"), so no
/// fen is lost to floating point; dates are yyyy-MM-dd.
/// </summary>
internal static class RegistrySchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS organisations(org_id TEXT PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT NOT NULL, related_to TEXT NULL);
        CREATE TABLE IF NOT EXISTS products(product_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sites(site_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, region_code TEXT NOT NULL, pilot_programme TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS serials(serial TEXT PRIMARY KEY, product_id TEXT NOT NULL, unit_class TEXT NOT NULL, manufactured_on TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS contracts(contract_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, buyer_id TEXT NOT NULL, product_id TEXT NOT NULL, signed_on TEXT NOT NULL, units INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS invoice_lines(invoice_no TEXT NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL, issued_on TEXT NOT NULL, seller_id TEXT NOT NULL, buyer_id TEXT NOT NULL,
            product_id TEXT NOT NULL, serials TEXT NOT NULL, amount_cny TEXT NOT NULL, credits_invoice TEXT NULL, reason TEXT NULL, returned_on TEXT NULL, contract_id TEXT NULL, PRIMARY KEY (invoice_no, line));
        CREATE TABLE IF NOT EXISTS payments(payment_id TEXT PRIMARY KEY, invoice_no TEXT NOT NULL, paid_on TEXT NOT NULL, amount_cny TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS deliveries(serial TEXT PRIMARY KEY, delivered_on TEXT NOT NULL, site_id TEXT NULL, contract_id TEXT NULL);
        CREATE TABLE IF NOT EXISTS exchanges(replacement_serial TEXT PRIMARY KEY, original_serial TEXT NOT NULL, exchanged_on TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS compute_contracts(contract_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, provider TEXT NOT NULL, category TEXT NOT NULL, programme TEXT NOT NULL,
            signed_on TEXT NOT NULL, amount_cny TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS compute_invoices(invoice_no TEXT PRIMARY KEY, contract_id TEXT NOT NULL, issued_on TEXT NOT NULL, amount_cny TEXT NOT NULL, calls INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS kpi_specs(product_id TEXT NOT NULL, kpi TEXT NOT NULL, unit TEXT NOT NULL, direction TEXT NOT NULL, spec_value TEXT NOT NULL, PRIMARY KEY (product_id, kpi));
        CREATE TABLE IF NOT EXISTS pilot_documents(site_id TEXT NOT NULL, product_id TEXT NOT NULL, document TEXT NOT NULL, signed_on TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (site_id, product_id, document));
        """;
}
