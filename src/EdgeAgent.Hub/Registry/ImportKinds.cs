using System.Globalization;

namespace EdgeAgent.Hub.Registry;

/// <summary>Every import kind (IMPORTS.md beside this file documents each with an example that a test imports).</summary>
internal static class ImportKinds
{
    public static readonly IReadOnlyList<string> UnitClasses = ["sale", "demo", "loaner", "test", "employee", "refurb"];
    public static readonly IReadOnlyList<string> InvoiceKinds = ["invoice", "credit_note"];
    public static readonly IReadOnlyList<string> CreditReasons = ["return", "exchange", "price"];
    public static readonly IReadOnlyList<string> ComputeCategories = ["model_service_filed", "domestic_compute", "other_compute", "data_purchase"];
    public static readonly IReadOnlyList<string> VoucherProgrammes = ["city", "national", "both"];
    public static readonly IReadOnlyList<string> KpiDirections = ["max", "min"];
    public static readonly IReadOnlyList<string> PilotDocuments = ["contract", "delivery_note", "acceptance_report", "use_report"];

    public static readonly ImportKind Organisations = new(
        "organisations", "organisations", "Enterprises, buyers, pilot users and providers; related parties name the enterprise they are related to.",
        [
            new("org_id", CellType.Id, true, "the organisation's id"),
            new("name", CellType.Text, true, "registered name"),
            new("credit_code", CellType.CreditCode, true, "unified social credit code"),
            new("related_to", CellType.Id, false, "org_id of the enterprise this organisation is a related party of") { References = new("organisations", "org_id") },
        ],
        ["org_id"])
    {
        Rules = (row, _) => row["related_to"] is { } r && r == row["org_id"]
            ? [new LineError(row.Line, "related_to", "an organisation cannot be a related party of itself", "another org_id")]
            : [],
    };

    public static readonly ImportKind Products = new(
        "products", "products", "Products (SKU families), each of one enterprise.",
        [
            new("product_id", CellType.Id, true, "the product id devices send as product_id"),
            new("enterprise_id", CellType.Id, true, "org_id of the enterprise that makes and sells it") { References = new("organisations", "org_id") },
            new("name", CellType.Text, true, "product name"),
            new("category", CellType.Id, true, "product category, e.g. smart_glasses, drone, robot"),
        ],
        ["product_id"]);

    public static readonly ImportKind Sites = new(
        "sites", "sites", "Pilot sites: where units are commissioned (deployment.commissioned names the site).",
        [
            new("site_id", CellType.Id, true, "the site id devices write in deployment.commissioned"),
            new("org_id", CellType.Id, true, "org_id of the user organisation running the site") { References = new("organisations", "org_id") },
            new("name", CellType.Text, true, "site name"),
            new("region_code", CellType.Region, true, "administrative region code"),
            new("pilot_programme", CellType.Id, true, "the pilot programme the site's trial is claimed under"),
        ],
        ["site_id"]);

    public static readonly ImportKind Serials = new(
        "serials", "serials", "The factory serial registry: every unit made, its product and class. The serial is the device_id the unit uses.",
        [
            new("serial", CellType.Id, true, "serial number = device_id"),
            new("product_id", CellType.Id, true, "its product") { References = new("products", "product_id"), Immutable = true },
            new("unit_class", CellType.Choice, true, "what the unit is for; only sale units can be sales") { Allowed = UnitClasses },
            new("manufactured_on", CellType.Date, true, "manufacture date") { Immutable = true },
        ],
        ["serial"]);

    public static readonly ImportKind Contracts = new(
        "contracts", "contracts", "Sales and pilot contracts (the first step of the pilot timeline).",
        [
            new("contract_id", CellType.Id, true, "contract number"),
            new("seller_id", CellType.Id, true, "org_id of the enterprise selling") { References = new("organisations", "org_id") },
            new("buyer_id", CellType.Id, true, "org_id of the buyer (user organisation)") { References = new("organisations", "org_id") },
            new("product_id", CellType.Id, true, "the product contracted") { References = new("products", "product_id") },
            new("signed_on", CellType.Date, true, "date signed"),
            new("units", CellType.Count, true, "units contracted"),
        ],
        ["contract_id"])
    {
        Rules = (row, ctx) => SellerMakesProduct(row, ctx, "seller_id"),
    };

    public static readonly ImportKind InvoiceLines = new(
        "invoices", "invoice_lines", "Invoice lines and credit notes (amounts excluding VAT). A credit note line names the invoice it credits and is negative; a return or exchange carries its date.",
        [
            new("invoice_no", CellType.Id, true, "invoice or credit-note number") { Immutable = true },
            new("line", CellType.Count, true, "line number within the invoice") { Immutable = true },
            new("kind", CellType.Choice, true, "invoice, or credit_note") { Allowed = InvoiceKinds, Immutable = true },
            new("issued_on", CellType.Date, true, "invoice date (the sales year is taken from it)") { Immutable = true },
            new("seller_id", CellType.Id, true, "org_id of the selling enterprise") { References = new("organisations", "org_id"), Immutable = true },
            new("buyer_id", CellType.Id, true, "org_id of the buyer") { References = new("organisations", "org_id"), Immutable = true },
            new("product_id", CellType.Id, true, "the product (SKU family)") { References = new("products", "product_id"), Immutable = true },
            new("serials", CellType.Serials, true, "the serials on the line; the amount is split equally among them") { Immutable = true },
            new("amount_cny", CellType.Amount, true, "line amount excluding VAT; positive on an invoice, negative on a credit note") { Immutable = true },
            new("credits_invoice", CellType.Id, false, "credit notes: the invoice_no credited") { References = new("invoice_lines", "invoice_no", "invoice"), Immutable = true },
            new("reason", CellType.Choice, false, "credit notes: return, exchange or price") { Allowed = CreditReasons, Immutable = true },
            new("returned_on", CellType.Date, false, "credit notes for a return or exchange: the date the unit came back") { Immutable = true },
            new("contract_id", CellType.Id, false, "the contract invoiced") { References = new("contracts", "contract_id"), Immutable = true },
        ],
        ["invoice_no", "line"])
    {
        Rules = InvoiceRules,
    };

    public static readonly ImportKind Payments = new(
        "payments", "payments", "Payments received against invoices (tier B needs an invoice paid in full).",
        [
            new("payment_id", CellType.Id, true, "payment reference") { Immutable = true },
            new("invoice_no", CellType.Id, true, "the invoice paid") { References = new("invoice_lines", "invoice_no", "invoice"), Immutable = true },
            new("paid_on", CellType.Date, true, "value date") { Immutable = true },
            new("amount_cny", CellType.Amount, true, "amount paid, positive") { Immutable = true },
        ],
        ["payment_id"])
    {
        Rules = (row, _) => Positive(row, "amount_cny"),
    };

    public static readonly ImportKind Deliveries = new(
        "deliveries", "deliveries", "Deliveries of units (pilot timeline; the return window counts from delivery when there is one).",
        [
            new("serial", CellType.Id, true, "the unit delivered") { References = new("serials", "serial") },
            new("delivered_on", CellType.Date, true, "date received by the buyer"),
            new("site_id", CellType.Id, false, "the pilot site delivered to") { References = new("sites", "site_id") },
            new("contract_id", CellType.Id, false, "the contract delivered under") { References = new("contracts", "contract_id") },
        ],
        ["serial"]);

    public static readonly ImportKind Exchanges = new(
        "exchanges", "exchanges", "Units exchanged: the replacement carries on the original's sale and never adds one.",
        [
            new("replacement_serial", CellType.Id, true, "the unit handed out") { References = new("serials", "serial") },
            new("original_serial", CellType.Id, true, "the unit taken back") { References = new("serials", "serial") },
            new("exchanged_on", CellType.Date, true, "date of the exchange"),
        ],
        ["replacement_serial"])
    {
        Rules = ExchangeRules,
    };

    public static readonly ImportKind ComputeContracts = new(
        "compute-contracts", "compute_contracts", "Bought compute and model services, with the voucher category and programme they are claimed under.",
        [
            new("contract_id", CellType.Id, true, "contract number; compute.usage records name it"),
            new("enterprise_id", CellType.Id, true, "org_id of the enterprise buying") { References = new("organisations", "org_id") },
            new("provider", CellType.Text, true, "the provider's name"),
            new("category", CellType.Choice, true, "voucher category") { Allowed = ComputeCategories },
            new("programme", CellType.Choice, true, "claimed under the city voucher, the national one, or both") { Allowed = VoucherProgrammes },
            new("signed_on", CellType.Date, true, "date signed"),
            new("amount_cny", CellType.Amount, true, "contract value excluding VAT"),
        ],
        ["contract_id"])
    {
        Rules = (row, _) => Positive(row, "amount_cny"),
    };

    public static readonly ImportKind ComputeInvoices = new(
        "compute-invoices", "compute_invoices", "Invoices under compute contracts: the amount actually incurred, and the calls billed.",
        [
            new("invoice_no", CellType.Id, true, "invoice number") { Immutable = true },
            new("contract_id", CellType.Id, true, "the compute contract") { References = new("compute_contracts", "contract_id"), Immutable = true },
            new("issued_on", CellType.Date, true, "invoice date (the voucher year is taken from it)") { Immutable = true },
            new("amount_cny", CellType.Amount, true, "amount incurred excluding VAT, positive") { Immutable = true },
            new("calls", CellType.Count, true, "calls (requests) billed") { Immutable = true },
        ],
        ["invoice_no"])
    {
        Rules = (row, _) => Positive(row, "amount_cny"),
    };

    public static readonly ImportKind KpiSpecs = new(
        "kpi-specs", "kpi_specs", "A product's declared KPI specification, against which the pilot report sets field perf.kpi values.",
        [
            new("product_id", CellType.Id, true, "the product") { References = new("products", "product_id") },
            new("kpi", CellType.Id, true, "KPI name, as perf.kpi records write it"),
            new("unit", CellType.Text, true, "unit of the value, e.g. ms"),
            new("direction", CellType.Choice, true, "max: field values must not exceed the spec (judged at P95); min: must reach it (judged at P5)") { Allowed = KpiDirections },
            new("spec_value", CellType.Amount, true, "the declared value"),
        ],
        ["product_id", "kpi"]);

    public static readonly ImportKind Documents = new(
        "pilot-documents", "pilot_documents", "Documents of a pilot (the report's checklist): which one, when signed, and the SHA-256 of the file kept.",
        [
            new("site_id", CellType.Id, true, "the pilot site") { References = new("sites", "site_id") },
            new("product_id", CellType.Id, true, "the product piloted") { References = new("products", "product_id") },
            new("document", CellType.Choice, true, "which document") { Allowed = PilotDocuments },
            new("signed_on", CellType.Date, true, "date signed"),
            new("sha256", CellType.Sha256, true, "SHA-256 of the document file"),
        ],
        ["site_id", "product_id", "document"]);

    /// <summary>Every kind, in the order a registry is best imported (references point backwards).</summary>
    public static readonly IReadOnlyList<ImportKind> All =
        [Organisations, Products, Sites, Serials, Contracts, InvoiceLines, Payments, Deliveries, Exchanges, ComputeContracts, ComputeInvoices, KpiSpecs, Documents];

    public static ImportKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    private static IEnumerable<LineError> Positive(ImportRow row, string column)
    {
        if (decimal.TryParse(row.Get(column), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) && v <= 0)
        {
            yield return new LineError(row.Line, column, $"{row.Get(column)} is not positive", "an amount greater than 0");
        }
    }

    private static IEnumerable<LineError> SellerMakesProduct(ImportRow row, ImportContext ctx, string sellerColumn)
    {
        if (ctx.Find("products", row.Get("product_id")) is { } product && product["enterprise_id"] != row.Get(sellerColumn))
        {
            yield return new LineError(row.Line, sellerColumn, $"product {row.Get("product_id")} is made by {product["enterprise_id"]}, not {row.Get(sellerColumn)}", product["enterprise_id"] ?? "");
        }
    }

    private static IEnumerable<LineError> InvoiceRules(ImportRow row, ImportContext ctx)
    {
        var line = row.Line;
        var kind = row.Get("kind");
        var amount = decimal.Parse(row.Get("amount_cny"), NumberStyles.Number, CultureInfo.InvariantCulture);
        var serials = row.Get("serials").Split(';');
        foreach (var e in SellerMakesProduct(row, ctx, "seller_id"))
        {
            yield return e;
        }

        if (serials.Distinct(StringComparer.Ordinal).Count() != serials.Length)
        {
            yield return new LineError(line, "serials", "a serial is listed twice on the line", "each serial once");
        }

        foreach (var serial in serials)
        {
            if (ctx.Find("serials", serial) is not { } unit)
            {
                yield return new LineError(line, "serials", $"serial {serial} is not in the serial registry (import it with 'edgehub import serials')", "registered serials");
            }
            else if (unit["product_id"] != row.Get("product_id"))
            {
                yield return new LineError(line, "serials", $"serial {serial} is a unit of {unit["product_id"]}, not {row.Get("product_id")}", $"serials of {row.Get("product_id")}");
            }
        }

        if (decimal.Round(amount / serials.Length, 2) * serials.Length != amount)
        {
            yield return new LineError(line, "amount_cny", $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} does not split evenly to the fen among {serials.Length} serials", "an amount divisible by the serial count");
        }

        if (kind == "invoice")
        {
            if (amount <= 0)
            {
                yield return new LineError(line, "amount_cny", $"an invoice line of {row.Get("amount_cny")} is not positive", "an amount greater than 0 (credits go on a credit_note)");
            }

            foreach (var column in new[] { "credits_invoice", "reason", "returned_on" })
            {
                if (row[column] is not null)
                {
                    yield return new LineError(line, column, "only a credit_note has this column", "empty on an invoice");
                }
            }

            yield break;
        }

        if (amount >= 0)
        {
            yield return new LineError(line, "amount_cny", $"a credit note line of {row.Get("amount_cny")} is not negative", "an amount less than 0");
        }

        if (row["reason"] is not { } reason)
        {
            yield return new LineError(line, "reason", "a credit note needs its reason", string.Join(", ", CreditReasons));
            reason = "";
        }

        if (reason is "return" or "exchange" && row["returned_on"] is null)
        {
            yield return new LineError(line, "returned_on", $"a credit note for a {reason} needs the date the unit came back", "a date yyyy-MM-dd");
        }

        if (reason == "price" && row["returned_on"] is not null)
        {
            yield return new LineError(line, "returned_on", "a price credit returns no unit", "empty for reason price");
        }

        if (row["credits_invoice"] is not { } credited)
        {
            yield return new LineError(line, "credits_invoice", "a credit note must name the invoice it credits", "an invoice_no of kind invoice");
            yield break;
        }

        var lines = ctx.Rows("invoice_lines").Where(r => r["invoice_no"] == credited && r["kind"] == "invoice").ToList();
        var creditedSerials = lines.SelectMany(r => (r["serials"] ?? "").Split(';')).ToHashSet(StringComparer.Ordinal);
        foreach (var serial in serials.Where(s => !creditedSerials.Contains(s)))
        {
            yield return new LineError(line, "serials", $"serial {serial} is not on invoice {credited}", string.Join(";", creditedSerials.Order(StringComparer.Ordinal)));
        }

        if (lines.Count > 0 && row["returned_on"] is { } back && string.CompareOrdinal(back, lines[0]["issued_on"]) < 0)
        {
            yield return new LineError(line, "returned_on", $"{back} is before invoice {credited} was issued ({lines[0]["issued_on"]})", $"{lines[0]["issued_on"]} or later");
        }
    }

    private static IEnumerable<LineError> ExchangeRules(ImportRow row, ImportContext ctx)
    {
        var (replacement, original) = (row.Get("replacement_serial"), row.Get("original_serial"));
        if (replacement == original)
        {
            yield return new LineError(row.Line, "original_serial", "a unit cannot replace itself", "another serial");
        }
        else if (ctx.Find("serials", replacement) is { } r && ctx.Find("serials", original) is { } o && r["product_id"] != o["product_id"])
        {
            yield return new LineError(row.Line, "replacement_serial", $"{replacement} is a unit of {r["product_id"]}, the original {original} of {o["product_id"]}", $"a serial of {o["product_id"]}");
        }
    }
}
