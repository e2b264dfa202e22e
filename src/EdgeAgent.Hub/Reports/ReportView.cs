using System.Globalization;

namespace EdgeAgent.Hub.Reports;

/// <summary>A table of a report as text cells, for CSV and HTML.</summary>
internal sealed record ViewTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A chart of a report: a Chart.js type, category labels and one or more numeric series.</summary>
internal sealed record ViewChart(string Id, string Type, string Title, IReadOnlyList<string> Labels, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> Series);

/// <summary>What the CSV and HTML renderers draw: the header, the tables and the charts of one report.</summary>
internal sealed record ReportView(ReportHeader Header, IReadOnlyList<ViewTable> Tables, IReadOnlyList<ViewChart> Charts)
{
    public static ReportView Of(SalesAwardReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var products = r.Enterprises.SelectMany(e => e.Products.Select(p => (e, p))).ToList();
        return new ReportView(r.Header,
        [
            new("enterprises", "Award per enterprise", ["enterprise_id", "name", "award_before_cap_cny", "cap_cny", "award_cny", "cap_binding"],
                [.. r.Enterprises.Select(e => Row(e.EnterpriseId, e.Name, e.AwardBeforeCapCny, e.CapCny, e.AwardCny, e.CapBinding))]),
            new("products", "Candidate products ranked by verified sales V = A + B", ["enterprise_id", "product_id", "name", "rank", "selected", "tier_a_units", "tier_a_cny", "tier_b_units", "tier_b_cny",
                "verified_units", "verified_cny", "award_at_rate_cny", "tier_c_units", "quarantined", "reactivations", "invoiced_units", "returned_units", "return_rate",
                "installed_base", .. r.Enterprises.SelectMany(e => e.Products).FirstOrDefault()?.ActiveRates.Select(a => $"active_{a.Days}d_rate") ?? [], "operating_hours", "inferences"],
                [.. products.Select(x => Row([x.e.EnterpriseId, x.p.ProductId, x.p.Name, x.p.Rank, x.p.Selected, x.p.TierAUnits, x.p.TierACny, x.p.TierBUnits, x.p.TierBCny, x.p.VerifiedUnits,
                    x.p.VerifiedCny, x.p.AwardAtRateCny, x.p.TierCUnits, x.p.Quarantined, x.p.Reactivations, x.p.InvoicedUnits, x.p.ReturnedUnits, x.p.ReturnRate, x.p.InstalledBase,
                    .. x.p.ActiveRates.Select(a => (object)a.Rate), x.p.OperatingHours, x.p.Inferences]))]),
            new("reconciliation", "Serial-level reconciliation (for the accountant)", ["serial", "product_id", "invoice_no", "line", "issued_on", "buyer_id", "unit_class", "share_cny", "credited_cny", "net_cny", "paid", "activated_at", "tier", "status"],
                [.. r.Reconciliation.Select(x => Row(x.Serial, x.ProductId, x.InvoiceNo, x.Line, x.IssuedOn, x.BuyerId, x.UnitClass, x.ShareCny, x.CreditedCny, x.NetCny, x.Paid, x.ActivatedAt, x.Tier, x.Status))]),
            Exceptions(r.Exceptions), Roots(r.Header), Inputs(r.Header),
        ],
        [
            new("verified-sales", "bar", "Verified sales V per product (CNY)", [.. products.Select(x => x.p.ProductId)],
                [("Tier A", [.. products.Select(x => (double)x.p.TierACny)]), ("Tier B", [.. products.Select(x => (double)x.p.TierBCny)])]),
            new("award", "bar", "Award per enterprise (CNY)", [.. r.Enterprises.Select(e => e.EnterpriseId)],
                [("before cap", [.. r.Enterprises.Select(e => (double)e.AwardBeforeCapCny)]), ("award", [.. r.Enterprises.Select(e => (double)e.AwardCny)])]),
        ]);
    }

    public static ReportView Of(PilotReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ReportView(r.Header,
        [
            new("groups", "Per product and site (field data)", ["product_id", "site_id", "org_id", "pilot_programme", "units", "first_units", "calendar_hours", "observed_hours", "coverage", "operating_hours",
                "relevant_failures", "mtbf_hours", "mtbf_lower_hours", "failure_rate_per_hour", "mttr_hours", "availability", "no_fault_found", "related_party", "programmes", "two_programmes"],
                [.. r.Groups.Select(g => Row(g.ProductId, g.SiteId, g.OrgId, g.PilotProgramme, g.Units, g.FirstUnits, g.CalendarHours, g.ObservedHours, g.Coverage, g.Reliability.OperatingHours,
                    g.Reliability.RelevantFailures, g.Reliability.MtbfHours, g.Reliability.MtbfLowerHours, g.Reliability.FailureRatePerHour, g.Reliability.MttrHours, g.Reliability.Availability,
                    g.Reliability.NoFaultFound, g.RelatedParty, string.Join(" ", g.Programmes), g.TwoProgrammes))]),
            new("units", "Units: order per (user organisation, product); the first ones are 首台（套）", ["serial", "product_id", "site_id", "org_id", "order", "first_unit", "contract", "invoice", "payment", "delivery",
                "commissioning", "first_productive_use", "calendar_hours", "observed_hours", "coverage", "operating_hours", "relevant_failures", "mtbf_hours", "mtbf_lower_hours", "mttr_hours", "availability"],
                [.. r.Units.Select(u => Row(u.Serial, u.ProductId, u.SiteId, u.OrgId, u.Order, u.FirstUnit, u.Timeline.Contract, u.Timeline.Invoice, u.Timeline.Payment, u.Timeline.Delivery,
                    u.Timeline.Commissioning, u.Timeline.FirstProductiveUse, u.CalendarHours, u.ObservedHours, u.Coverage, u.Reliability.OperatingHours, u.Reliability.RelevantFailures,
                    u.Reliability.MtbfHours, u.Reliability.MtbfLowerHours, u.Reliability.MttrHours, u.Reliability.Availability))]),
            new("fault_pareto", "Fault Pareto", ["product_id", "site_id", "code", "count", "relevant", "cumulative_share"],
                [.. r.Groups.SelectMany(g => g.FaultPareto.Select(f => Row(g.ProductId, g.SiteId, f.Code, f.Count, f.Relevant, f.CumulativeShare)))]),
            new("kpis", "KPIs against the declared specification", ["product_id", "site_id", "kpi", "unit", "direction", "spec", "samples", "median", "p5", "p95", "meets"],
                [.. r.Groups.SelectMany(g => g.Kpis.Select(k => Row(g.ProductId, g.SiteId, k.Kpi, k.Unit, k.Direction, k.Spec, k.Samples, k.Median, k.P5, k.P95, k.Meets)))]),
            new("documents", "Document checklist", ["product_id", "site_id", "document", "present", "signed_on", "sha256"],
                [.. r.Groups.SelectMany(g => g.Documents.Select(d => Row(g.ProductId, g.SiteId, d.Document, d.Present, d.SignedOn, d.Sha256)))]),
            Exceptions(r.Exceptions), Roots(r.Header), Inputs(r.Header),
        ],
        [
            new("operating-hours", "bar", "Observed and operating hours per unit", [.. r.Units.Select(u => u.Serial)],
                [("observed", [.. r.Units.Select(u => u.ObservedHours)]), ("operating", [.. r.Units.Select(u => u.Reliability.OperatingHours)])]),
            new("fault-pareto", "bar", "Faults by code", [.. r.Groups.SelectMany(g => g.FaultPareto.Select(f => $"{g.SiteId}/{f.Code}"))],
                [("count", [.. r.Groups.SelectMany(g => g.FaultPareto.Select(f => (double)f.Count))])]),
        ]);
    }

    public static ReportView Of(ComputeVoucherReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var contracts = r.Enterprises.SelectMany(e => e.Contracts.Select(c => (e, c))).ToList();
        return new ReportView(r.Header,
        [
            new("enterprises", "Vouchers per enterprise", ["enterprise_id", "name", "city_before_cap_cny", "city_cap_cny", "city_cny", "city_cap_binding", "national_cny", "total_cny"],
                [.. r.Enterprises.Select(e => Row(e.EnterpriseId, e.Name, e.CityBeforeCapCny, e.CityCapCny, e.CityCny, e.CityCapBinding, e.NationalCny, e.TotalCny))]),
            new("contracts", "Compute contracts: incurred, rates, and device-recorded calls against invoiced calls", ["enterprise_id", "contract_id", "provider", "category", "programme", "incurred_cny", "city_rate",
                "national_rate", "city_cny", "national_cny", "eligible", "invoiced_calls", "recorded_calls", "variance_calls", "variance_share"],
                [.. contracts.Select(x => Row(x.e.EnterpriseId, x.c.ContractId, x.c.Provider, x.c.Category, x.c.Programme, x.c.IncurredCny, x.c.CityRate, x.c.NationalRate, x.c.CityCny, x.c.NationalCny,
                    x.c.Eligible, x.c.InvoicedCalls, x.c.RecordedCalls, x.c.VarianceCalls, x.c.VarianceShare))]),
            new("on_device", "On-device inference (not bought compute)", ["enterprise_id", "model", "calls", "eligibility"],
                [.. r.Enterprises.SelectMany(e => e.OnDevice.Select(o => Row(e.EnterpriseId, o.Model, o.Calls, o.Eligibility)))]),
            Exceptions(r.Exceptions), Roots(r.Header), Inputs(r.Header),
        ],
        [
            new("vouchers", "bar", "Voucher per contract (CNY)", [.. contracts.Select(x => x.c.ContractId)],
                [("city", [.. contracts.Select(x => (double)x.c.CityCny)]), ("national", [.. contracts.Select(x => (double)x.c.NationalCny)])]),
        ]);
    }

    private static ViewTable Exceptions(IReadOnlyList<ReportException> e) =>
        new("exceptions", "Exceptions: listed, not counted (tier B is counted and flagged)", ["kind", "serial", "product_id", "detail"], [.. e.Select(x => Row(x.Kind, x.Serial, x.ProductId, x.Detail))]);

    private static ViewTable Roots(ReportHeader h) =>
        new("integrity_roots", "Integrity roots: each device's chain head and latest signed checkpoint", ["device_id", "head_seq", "head_hash", "checkpoint_seq", "checkpoint_hash", "checkpoint_key_id", "checkpoint_signature"],
            [.. h.IntegrityRoots.Select(x => Row(x.DeviceId, x.HeadSeq, x.HeadHash, x.CheckpointSeq, x.CheckpointHash, x.CheckpointKeyId, x.CheckpointSignature))]);

    private static ViewTable Inputs(ReportHeader h) =>
        new("inputs", "Inputs", ["input", "rows", "sha256"], [.. h.Inputs.Select(x => Row(x.Name, x.Rows, x.Sha256))]);

    private static string[] Row(params object?[] cells) => [.. cells.Select(Cell)];

    public static string Cell(object? value) => value switch
    {
        null => "",
        bool b => b ? "yes" : "no",
        decimal d => d.ToString("0.00", CultureInfo.InvariantCulture),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
