using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Reports;

/// <summary>A report's raw inputs: the registry tables as rows of text by column, and the devices (<see cref="EvidenceAssembly"/>).</summary>
internal sealed record RawInputs(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> Tables, IReadOnlyList<DeviceSource> Devices)
{
    /// <summary>The report inputs these rows make (digests over exactly these rows).</summary>
    public ReportInputs Assemble() => EvidenceAssembly.Assemble(Tables, Devices);
}

/// <summary>
/// Narrows a report's raw inputs to one tenant before anything is computed, so nothing outside it can reach a figure, an
/// exception list, a reconciliation row, an input digest or an integrity root: every row kept is the tenant's own or one
/// its own rows name. Pure.
/// <list type="bullet">
/// <item>An enterprise: its products, their serials, deliveries, exchanges, KPI specifications and pilot documents;
/// the invoice lines and contracts it sold and the payments of those invoices; its compute contracts and their
/// invoices; the devices enrolled with its products; the sites those rows and devices' commissioning records name; the
/// organisations it is, sold to, or whose sites those are.</item>
/// <item>A pilot site: the devices whose latest <c>deployment.commissioned</c> names it (as the API's device scope),
/// their serials, products, KPI specifications, deliveries, exchanges among them, the invoices carrying them (every
/// line, and the credit notes on them: a unit is paid when its whole invoice is) and their payments, the contracts of the site's organisation for those products, the site's pilot documents,
/// the site (and the sites its units were commissioned at before, for their programmes), and the organisations of the
/// site and of the products. No compute contracts.</item>
/// </list>
/// </summary>
internal static class TenantInputs
{
    public static RawInputs ForEnterprise(RawInputs raw, string orgId)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(orgId);
        var t = new Rows(raw.Tables);
        var products = t.Keys("products", "product_id", r => r["enterprise_id"] == orgId);
        var serials = t.Keys("serials", "serial", r => products.Contains(r["product_id"]!));
        var devices = raw.Devices.Where(d => products.Contains(d.ProductId)).ToList();
        var lines = t.Where("invoice_lines", r => r["seller_id"] == orgId);
        var invoices = lines.Select(r => r["invoice_no"]!).ToHashSet(StringComparer.Ordinal);
        var contracts = t.Where("contracts", r => r["seller_id"] == orgId);
        var deliveries = t.Where("deliveries", r => serials.Contains(r["serial"]!));
        var documents = t.Where("pilot_documents", r => products.Contains(r["product_id"]!));
        var computeContracts = t.Keys("compute_contracts", "contract_id", r => r["enterprise_id"] == orgId);
        var siteIds = deliveries.Select(r => r["site_id"]).Concat(documents.Select(r => r["site_id"])).Concat(devices.SelectMany(CommissionedSites))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var sites = t.Where("sites", r => siteIds.Contains(r["site_id"]!));
        var orgs = lines.Select(r => r["buyer_id"]).Concat(contracts.Select(r => r["buyer_id"])).Concat(sites.Select(r => r["org_id"])).Append(orgId)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new RawInputs(new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>(StringComparer.Ordinal)
        {
            ["organisations"] = t.Where("organisations", r => orgs.Contains(r["org_id"]!)),
            ["products"] = t.Where("products", r => products.Contains(r["product_id"]!)),
            ["sites"] = sites,
            ["serials"] = t.Where("serials", r => serials.Contains(r["serial"]!)),
            ["contracts"] = contracts,
            ["invoice_lines"] = lines,
            ["payments"] = t.Where("payments", r => invoices.Contains(r["invoice_no"]!)),
            ["deliveries"] = deliveries,
            ["exchanges"] = t.Where("exchanges", r => serials.Contains(r["replacement_serial"]!) && serials.Contains(r["original_serial"]!)),
            ["compute_contracts"] = t.Where("compute_contracts", r => computeContracts.Contains(r["contract_id"]!)),
            ["compute_invoices"] = t.Where("compute_invoices", r => computeContracts.Contains(r["contract_id"]!)),
            ["kpi_specs"] = t.Where("kpi_specs", r => products.Contains(r["product_id"]!)),
            ["pilot_documents"] = documents,
        }, devices);
    }

    public static RawInputs ForSite(RawInputs raw, string siteId)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(siteId);
        var t = new Rows(raw.Tables);
        var devices = raw.Devices.Where(d => LatestSite(d) == siteId).ToList();
        var units = devices.Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
        var serials = t.Where("serials", r => units.Contains(r["serial"]!));
        var products = devices.Select(d => d.ProductId).Concat(serials.Select(r => r["product_id"]!)).ToHashSet(StringComparer.Ordinal);
        var siteOrg = t.Where("sites", r => r["site_id"] == siteId).Select(r => r["org_id"]).FirstOrDefault();
        var named = devices.SelectMany(CommissionedSites).Append(siteId).ToHashSet(StringComparer.Ordinal);
        var sites = t.Where("sites", r => named.Contains(r["site_id"]!));
        var productRows = t.Where("products", r => products.Contains(r["product_id"]!));
        var invoices = t.Where("invoice_lines", r => r["serials"]!.Split(';').Any(units.Contains)).Select(r => r["invoice_no"]!).ToHashSet(StringComparer.Ordinal);
        var lines = t.Where("invoice_lines", r => invoices.Contains(r["invoice_no"]!) || (r["credits_invoice"] is { } credited && invoices.Contains(credited)));
        var orgs = productRows.Select(r => r["enterprise_id"]).Append(siteOrg).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new RawInputs(new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>(StringComparer.Ordinal)
        {
            ["organisations"] = t.Where("organisations", r => orgs.Contains(r["org_id"]!)),
            ["products"] = productRows,
            ["sites"] = sites,
            ["serials"] = serials,
            ["contracts"] = t.Where("contracts", r => siteOrg is not null && r["buyer_id"] == siteOrg && products.Contains(r["product_id"]!)),
            ["invoice_lines"] = lines,
            ["payments"] = t.Where("payments", r => invoices.Contains(r["invoice_no"]!)),
            ["deliveries"] = t.Where("deliveries", r => units.Contains(r["serial"]!)),
            ["exchanges"] = t.Where("exchanges", r => units.Contains(r["replacement_serial"]!) && units.Contains(r["original_serial"]!)),
            ["compute_contracts"] = [],
            ["compute_invoices"] = [],
            ["kpi_specs"] = t.Where("kpi_specs", r => products.Contains(r["product_id"]!)),
            ["pilot_documents"] = t.Where("pilot_documents", r => r["site_id"] == siteId && products.Contains(r["product_id"]!)),
        }, devices);
    }

    /// <summary>The <c>site</c> of the device's latest accepted <c>deployment.commissioned</c> (null when none or it names none), as the API's device scope reads it.</summary>
    private static string? LatestSite(DeviceSource device) =>
        device.Records.LastOrDefault(r => r.Record.Type == RecordTypes.DeploymentCommissioned) is { } c && SiteIn(c) is { } s ? s : null;

    private static string? SiteIn(StoredRecord r) =>
        r.Record.Data.ValueKind == JsonValueKind.Object && r.Record.Data.TryGetProperty("site", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

    /// <summary>The sites the device's accepted <c>deployment.commissioned</c> records name, in seq order (the last is where it is).</summary>
    private static IEnumerable<string> CommissionedSites(DeviceSource device) =>
        device.Records.Where(r => r.Record.Type == RecordTypes.DeploymentCommissioned)
            .Select(SiteIn).OfType<string>();

    private sealed class Rows(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> tables)
    {
        public IReadOnlyList<IReadOnlyDictionary<string, string?>> Where(string table, Func<IReadOnlyDictionary<string, string?>, bool> keep) =>
            tables.TryGetValue(table, out var rows) ? [.. rows.Where(keep)] : [];

        public HashSet<string> Keys(string table, string column, Func<IReadOnlyDictionary<string, string?>, bool> keep) =>
            Where(table, keep).Select(r => r[column]!).ToHashSet(StringComparer.Ordinal);
    }
}
