using System.Globalization;
using System.Text.Json;
using EdgeAgent.Hub.Ingestion;

namespace EdgeAgent.Hub.Reports;

internal sealed record Organisation(string OrgId, string Name, string CreditCode, string? RelatedTo);

internal sealed record Product(string ProductId, string EnterpriseId, string Name, string Category);

internal sealed record Site(string SiteId, string OrgId, string Name, string RegionCode, string PilotProgramme);

internal sealed record SerialUnit(string Serial, string ProductId, string UnitClass, DateOnly ManufacturedOn);

internal sealed record Contract(string ContractId, string SellerId, string BuyerId, string ProductId, DateOnly SignedOn, long Units);

internal sealed record InvoiceLine(string InvoiceNo, long Line, string Kind, DateOnly IssuedOn, string SellerId, string BuyerId, string ProductId,
    IReadOnlyList<string> Serials, decimal AmountCny, string? CreditsInvoice, string? Reason, DateOnly? ReturnedOn, string? ContractId)
{
    public bool IsCreditNote => Kind == "credit_note";

    /// <summary>Each serial's share of the line amount (the import checked that it splits to the fen).</summary>
    public decimal Share => AmountCny / Serials.Count;
}

internal sealed record Payment(string PaymentId, string InvoiceNo, DateOnly PaidOn, decimal AmountCny);

internal sealed record Delivery(string Serial, DateOnly DeliveredOn, string? SiteId, string? ContractId);

internal sealed record Exchange(string ReplacementSerial, string OriginalSerial, DateOnly ExchangedOn);

internal sealed record ComputeContract(string ContractId, string EnterpriseId, string Provider, string Category, string Programme, DateOnly SignedOn, decimal AmountCny);

internal sealed record ComputeInvoice(string InvoiceNo, string ContractId, DateOnly IssuedOn, decimal AmountCny, long Calls);

internal sealed record KpiSpec(string ProductId, string Kpi, string Unit, string Direction, decimal SpecValue);

internal sealed record PilotDocument(string SiteId, string ProductId, string Document, DateOnly SignedOn, string Sha256);

/// <summary>The imported registry, typed: everything the reports take from outside the devices.</summary>
internal sealed record RegistrySnapshot(
    IReadOnlyList<Organisation> Organisations, IReadOnlyList<Product> Products, IReadOnlyList<Site> Sites, IReadOnlyList<SerialUnit> Serials,
    IReadOnlyList<Contract> Contracts, IReadOnlyList<InvoiceLine> InvoiceLines, IReadOnlyList<Payment> Payments, IReadOnlyList<Delivery> Deliveries,
    IReadOnlyList<Exchange> Exchanges, IReadOnlyList<ComputeContract> ComputeContracts, IReadOnlyList<ComputeInvoice> ComputeInvoices,
    IReadOnlyList<KpiSpec> KpiSpecs, IReadOnlyList<PilotDocument> PilotDocuments)
{
    /// <summary>Builds the snapshot from rows as text by column (the database's, or an auditor bundle's CSV files).</summary>
    public static RegistrySnapshot FromRows(Func<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        static DateOnly D(string? s) => DateOnly.ParseExact(s!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        static decimal M(string? s) => decimal.Parse(s!, NumberStyles.Number, CultureInfo.InvariantCulture);
        static long N(string? s) => long.Parse(s!, CultureInfo.InvariantCulture);
        return new RegistrySnapshot(
            [.. table("organisations").Select(r => new Organisation(r["org_id"]!, r["name"]!, r["credit_code"]!, r["related_to"]))],
            [.. table("products").Select(r => new Product(r["product_id"]!, r["enterprise_id"]!, r["name"]!, r["category"]!))],
            [.. table("sites").Select(r => new Site(r["site_id"]!, r["org_id"]!, r["name"]!, r["region_code"]!, r["pilot_programme"]!))],
            [.. table("serials").Select(r => new SerialUnit(r["serial"]!, r["product_id"]!, r["unit_class"]!, D(r["manufactured_on"])))],
            [.. table("contracts").Select(r => new Contract(r["contract_id"]!, r["seller_id"]!, r["buyer_id"]!, r["product_id"]!, D(r["signed_on"]), N(r["units"])))],
            [.. table("invoice_lines").Select(r => new InvoiceLine(r["invoice_no"]!, N(r["line"]), r["kind"]!, D(r["issued_on"]), r["seller_id"]!, r["buyer_id"]!, r["product_id"]!,
                r["serials"]!.Split(';'), M(r["amount_cny"]), r["credits_invoice"], r["reason"], r["returned_on"] is { } ret ? D(ret) : null, r["contract_id"]))],
            [.. table("payments").Select(r => new Payment(r["payment_id"]!, r["invoice_no"]!, D(r["paid_on"]), M(r["amount_cny"])))],
            [.. table("deliveries").Select(r => new Delivery(r["serial"]!, D(r["delivered_on"]), r["site_id"], r["contract_id"]))],
            [.. table("exchanges").Select(r => new Exchange(r["replacement_serial"]!, r["original_serial"]!, D(r["exchanged_on"])))],
            [.. table("compute_contracts").Select(r => new ComputeContract(r["contract_id"]!, r["enterprise_id"]!, r["provider"]!, r["category"]!, r["programme"]!, D(r["signed_on"]), M(r["amount_cny"])))],
            [.. table("compute_invoices").Select(r => new ComputeInvoice(r["invoice_no"]!, r["contract_id"]!, D(r["issued_on"]), M(r["amount_cny"]), N(r["calls"])))],
            [.. table("kpi_specs").Select(r => new KpiSpec(r["product_id"]!, r["kpi"]!, r["unit"]!, r["direction"]!, M(r["spec_value"])))],
            [.. table("pilot_documents").Select(r => new PilotDocument(r["site_id"]!, r["product_id"]!, r["document"]!, D(r["signed_on"]), r["sha256"]!))]);
    }
}

/// <summary>One accepted record of a device, decoded, with its place in time.</summary>
internal sealed record EvidenceItem(long Seq, string Hash, string Type, long Boot, long MonoMs, AnchoredTime Time, JsonElement Data)
{
    public string? Text(string field) => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public double? Number(string field) => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public bool? Flag(string field) => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(field, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>The absolute interval the record covers: a point, or for a rollup with <c>period_s</c> the period before it (Unix ms), or null when its time is unknown.</summary>
    public (long Lo, long Hi)? Interval
    {
        get
        {
            if (Time.LoMs is not { } lo || Time.HiMs is not { } hi)
            {
                return null;
            }

            var period = (long)Math.Round((Number("period_s") ?? 0) * 1000);
            return (lo - period, hi);
        }
    }
}

/// <summary>Where a device's chain stood when the report read it: the head, and the latest signed checkpoint over it.</summary>
internal sealed record IntegrityRoot(string DeviceId, long HeadSeq, string HeadHash, long? CheckpointSeq, string? CheckpointHash, string? CheckpointKeyId, string? CheckpointSignature);

/// <summary>One enrolled device and what the hub verified from it.</summary>
internal sealed record DeviceEvidence(string DeviceId, string ProductId, string KeyId, IReadOnlyList<EvidenceItem> Records, long ForeignSignatures, IntegrityRoot Root);

/// <summary>One input of a report: a registry table or the records used, with its row count and a SHA-256 over its rows.</summary>
internal sealed record InputDigest(string Name, long Rows, string Sha256);

/// <summary>Everything a report is computed from; the computation is a pure function of this, the profile and the filters.</summary>
internal sealed record ReportInputs(RegistrySnapshot Registry, IReadOnlyList<DeviceEvidence> Devices, IReadOnlyList<InputDigest> Inputs);
