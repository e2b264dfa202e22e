using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Policy;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// 首台（套） pilot evidence (EVIDENCE.md): per product and site, for one calendar year. A unit's site is the <c>site</c> of
/// its latest accepted <c>deployment.commissioned</c>; it is in service from that record's time to the year's end (or
/// the report's time, if earlier). Only rollups and events wholly inside the service window count; all figures are
/// observed field data, never imputed.
/// </summary>
internal static class Pilot
{
    public const string Kind = "pilot";

    public static PilotReport Compute(ReportInputs inputs, PolicyProfile profile, int year, string? productFilter, string? siteFilter, DateTimeOffset asOf, ReportHeaderFactory header)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(header);
        var policy = profile.Pilot!;
        var period = new ReportPeriod(year, profile.UtcOffset);
        var fleet = new Fleet(inputs);
        var reg = inputs.Registry;
        var exceptions = new List<ReportException>();
        var end = Math.Min(period.ToMs, asOf.ToUnixTimeMilliseconds());

        // Every commissioned unit, ordered per (user organisation, product) by commissioning time, over all years.
        var commissioned = new List<(DeviceEvidence Device, Site Site, EvidenceItem Record)>();
        foreach (var device in inputs.Devices)
        {
            if (fleet.Commissioning(device.DeviceId) is not { } c)
            {
                continue;
            }

            if (c.Site is null)
            {
                exceptions.Add(new ReportException("site_not_in_registry", device.DeviceId, device.ProductId, $"deployment.commissioned seq {c.Record.Seq} names site '{c.Record.Text("site")}', which is not in the registry"));
                continue;
            }

            commissioned.Add((device, c.Site, c.Record));
        }

        var order = commissioned.GroupBy(u => (u.Site.OrgId, u.Device.ProductId))
            .SelectMany(g => g.OrderBy(u => u.Record.Time.EstMs ?? long.MaxValue).ThenBy(u => u.Device.DeviceId, StringComparer.Ordinal).Select((u, i) => (u.Device.DeviceId, Order: i + 1)))
            .ToDictionary(x => x.DeviceId, x => x.Order, StringComparer.Ordinal);

        var units = new List<(PilotUnit Unit, List<EvidenceItem> Faults, List<EvidenceItem> Kpis, Reliability Raw, (double Up, double Down, double Operating) Sums, List<double> Repairs)>();
        foreach (var (device, site, record) in commissioned.Where(u => (productFilter is null || u.Device.ProductId == productFilter) && (siteFilter is null || u.Site.SiteId == siteFilter)))
        {
            var serial = device.DeviceId;
            if (record.Time.EstMs is not { } commissionedAt)
            {
                exceptions.Add(new ReportException("time_unknown", serial, device.ProductId, $"deployment.commissioned seq {record.Seq}: time unknown, so the unit's service window is unknown; nothing counted"));
                continue;
            }

            var start = Math.Max(commissionedAt, period.FromMs);
            var calendar = Math.Max(0, end - start) / 3_600_000.0;
            bool InService(EvidenceItem r) => r.Interval is { } i && end > start && ReportPeriod.Within(i, start, end);
            var summaries = fleet.Records(serial, RecordTypes.UsageSummary).Where(InService).ToList();
            var observed = summaries.Sum(u => u.Number("period_s") ?? 0) / 3600.0;
            var operating = summaries.Sum(u => u.Number("operate_s") ?? 0) / 3600.0;
            var up = summaries.Sum(u => (u.Number("operate_s") ?? 0) + (u.Number("idle_s") ?? 0));
            var down = summaries.Sum(u => u.Number("fault_s") ?? 0);
            var faults = fleet.Records(serial, RecordTypes.FaultRaised).Where(InService).ToList();
            var relevant = faults.Where(f => f.Flag("relevant") == true).ToList();
            var cleared = fleet.Records(serial, RecordTypes.FaultCleared).ToList();
            var repairs = relevant.Select(f => cleared.FirstOrDefault(c => c.Seq > f.Seq && c.Text("code") == f.Text("code")) is { } c ? RepairHours(f, c) : null)
                .OfType<double>().ToList();
            var nff = fleet.Records(serial, RecordTypes.MaintenancePerformed).Count(m => InService(m) && m.Text("outcome") == "no_fault_found");
            var reliability = Reliability(operating, relevant.Count, repairs, up, down, nff, policy.MtbfAlpha!.Value);
            var unitOrder = order[serial];
            units.Add((new PilotUnit(serial, device.ProductId, site.SiteId, site.OrgId, unitOrder, unitOrder <= policy.FirstUnits, TimelineOf(fleet, period, serial, site.OrgId, device.ProductId, record),
                Math.Round(calendar, 3), Math.Round(observed, 3), calendar == 0 ? 0 : Math.Round(observed / calendar, 4), reliability),
                faults, [.. fleet.Records(serial, RecordTypes.PerfKpi).Where(InService)], reliability, (up, down, operating), repairs));
            exceptions.AddRange(SalesAward.Boundary(fleet, period, [serial]));
        }

        var groups = new List<PilotGroup>();
        foreach (var g in units.GroupBy(u => (u.Unit.ProductId, u.Unit.SiteId)).OrderBy(g => g.Key.ProductId, StringComparer.Ordinal).ThenBy(g => g.Key.SiteId, StringComparer.Ordinal))
        {
            var site = fleet.Site(g.Key.SiteId)!;
            var list = g.ToList();
            var calendar = list.Sum(u => u.Unit.CalendarHours);
            var observed = list.Sum(u => u.Unit.ObservedHours);
            var reliability = Reliability(list.Sum(u => u.Sums.Operating), list.Sum(u => u.Raw.RelevantFailures), [.. list.SelectMany(u => u.Repairs)],
                list.Sum(u => u.Sums.Up), list.Sum(u => u.Sums.Down), list.Sum(u => u.Raw.NoFaultFound), policy.MtbfAlpha!.Value);
            var faults = list.SelectMany(u => u.Faults).GroupBy(f => f.Text("code") ?? "unknown")
                .Select(f => (Code: f.Key, Count: f.Count(), Relevant: f.Any(x => x.Flag("relevant") == true)))
                .OrderByDescending(f => f.Count).ThenBy(f => f.Code, StringComparer.Ordinal).ToList();
            var total = faults.Sum(f => f.Count);
            var running = 0;
            var pareto = faults.Select(f => new ParetoEntry(f.Code, f.Count, f.Relevant, Math.Round((double)(running += f.Count) / total, 4))).ToList();
            var kpis = reg.KpiSpecs.Where(k => k.ProductId == g.Key.ProductId).Select(spec =>
            {
                var values = list.SelectMany(u => u.Kpis).Where(k => k.Text("name") == spec.Kpi).Select(k => k.Number("value")).OfType<double>().Order().ToList();
                double? Q(double q) => values.Count == 0 ? null : Math.Round(Percentile(values, q), 4);
                var (p5, median, p95) = (Q(0.05), Q(0.5), Q(0.95));
                bool? meets = values.Count == 0 ? null : spec.Direction == "max" ? p95 <= (double)spec.SpecValue : p5 >= (double)spec.SpecValue;
                return new KpiResult(spec.Kpi, spec.Unit, spec.Direction, spec.SpecValue, values.Count, median, p5, p95, meets);
            }).ToList();
            var documents = policy.RequiredDocuments!.Select(d => reg.PilotDocuments.FirstOrDefault(p => p.SiteId == site.SiteId && p.ProductId == g.Key.ProductId && p.Document == d) is { } doc
                ? new DocumentCheck(d, true, doc.SignedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), doc.Sha256)
                : new DocumentCheck(d, false, null, null)).ToList();
            var enterprise = fleet.Product(g.Key.ProductId)?.EnterpriseId ?? "";
            var programmes = list.SelectMany(u => fleet.Records(u.Unit.Serial, RecordTypes.DeploymentCommissioned))
                .Select(c => c.Text("site") is { } id ? fleet.Site(id)?.PilotProgramme : null).OfType<string>().Append(site.PilotProgramme)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            groups.Add(new PilotGroup(g.Key.ProductId, site.SiteId, site.OrgId, site.PilotProgramme, list.Count, list.Count(u => u.Unit.FirstUnit),
                Math.Round(calendar, 3), Math.Round(observed, 3), calendar == 0 ? 0 : Math.Round(observed / calendar, 4), reliability, pareto, kpis, documents,
                fleet.Related(site.OrgId, enterprise), programmes, programmes.Count > 1));
        }

        var devices = inputs.Devices.Where(d => units.Any(u => u.Unit.Serial == d.DeviceId)).ToList();
        return new PilotReport(
            header.Create(Kind, $"首台（套） pilot evidence {year}", year, productFilter, siteFilter, "field data: observed operating records from the devices, not a laboratory demonstration", devices),
            groups, [.. units.Select(u => u.Unit).OrderBy(u => u.ProductId, StringComparer.Ordinal).ThenBy(u => u.OrgId, StringComparer.Ordinal).ThenBy(u => u.Order)], exceptions);
    }

    private static Reliability Reliability(double operatingHours, int failures, IReadOnlyList<double> repairs, double up, double down, int nff, double alpha) =>
        new(Math.Round(operatingHours, 4), failures, failures == 0 ? null : Math.Round(operatingHours / failures, 4), Math.Round(ChiSquare.MtbfLowerBound(operatingHours, failures, alpha), 4),
            operatingHours == 0 ? 0 : Math.Round(failures / operatingHours, 6), repairs.Count == 0 ? null : Math.Round(repairs.Average(), 4),
            up + down == 0 ? null : Math.Round(up / (up + down), 6), nff);

    /// <summary>Hours from a fault to its clearing: from mono_ms within one boot, else from the placed times; null when neither is known.</summary>
    private static double? RepairHours(EvidenceItem raised, EvidenceItem cleared) =>
        raised.Boot == cleared.Boot ? (cleared.MonoMs - raised.MonoMs) / 3_600_000.0
        : raised.Time.EstMs is { } a && cleared.Time.EstMs is { } b ? (b - a) / 3_600_000.0 : null;

    /// <summary>Linear interpolation between order statistics (Hyndman–Fan type 7) over sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        return lo + 1 >= sorted.Count ? sorted[^1] : sorted[lo] + ((h - lo) * (sorted[lo + 1] - sorted[lo]));
    }

    private static Timeline TimelineOf(Fleet fleet, ReportPeriod period, string serial, string org, string product, EvidenceItem commissioning)
    {
        static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var reg = fleet.Inputs.Registry;
        var contract = reg.Contracts.Where(c => c.BuyerId == org && c.ProductId == product).OrderBy(c => c.SignedOn).FirstOrDefault();
        var invoice = reg.InvoiceLines.Where(l => !l.IsCreditNote && l.Serials.Contains(serial)).OrderBy(l => l.IssuedOn).FirstOrDefault();
        string? paid = null;
        if (invoice is not null)
        {
            var net = reg.InvoiceLines.Where(l => l.InvoiceNo == invoice.InvoiceNo || l.CreditsInvoice == invoice.InvoiceNo).Sum(l => l.AmountCny);
            var sum = 0m;
            foreach (var p in reg.Payments.Where(p => p.InvoiceNo == invoice.InvoiceNo).OrderBy(p => p.PaidOn))
            {
                sum += p.AmountCny;
                if (sum >= net)
                {
                    paid = D(p.PaidOn);
                    break;
                }
            }
        }

        var firstUse = fleet.Records(serial, RecordTypes.UsageSummary).FirstOrDefault(u => u.Seq > commissioning.Seq && (u.Number("operate_s") ?? 0) > 0);
        return new Timeline(contract is null ? null : D(contract.SignedOn), invoice is null ? null : D(invoice.IssuedOn), paid,
            reg.Deliveries.FirstOrDefault(d => d.Serial == serial) is { } delivery ? D(delivery.DeliveredOn) : null,
            period.Show(commissioning.Time), firstUse is null ? null : period.Show(firstUse.Time));
    }
}
