using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Policy;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// Sales-award evidence (EVIDENCE.md, "Sales-award evidence"): per enterprise and product, for the invoices of one
/// calendar year. Pure: the same inputs, profile and filters give the same figures, wherever the inputs came from.
/// </summary>
internal static class SalesAward
{
    public const string Kind = "sales-award";

    public static SalesAwardReport Compute(ReportInputs inputs, PolicyProfile profile, int year, string? productFilter, ReportHeaderFactory header)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(header);
        var policy = profile.SalesAward!;
        var period = new ReportPeriod(year, profile.UtcOffset);
        var fleet = new Fleet(inputs);
        var reg = inputs.Registry;
        var invoices = reg.InvoiceLines.Where(l => !l.IsCreditNote).ToList();
        var credits = reg.InvoiceLines.Where(l => l.IsCreditNote).ToList();
        var netByInvoice = invoices.GroupBy(l => l.InvoiceNo).ToDictionary(g => g.Key, g => g.Sum(l => l.AmountCny) + credits.Where(c => c.CreditsInvoice == g.Key).Sum(c => c.AmountCny), StringComparer.Ordinal);
        var paidByInvoice = reg.Payments.GroupBy(p => p.InvoiceNo).ToDictionary(g => g.Key, g => g.Sum(p => p.AmountCny), StringComparer.Ordinal);
        bool Paid(string invoice) => paidByInvoice.GetValueOrDefault(invoice) >= netByInvoice.GetValueOrDefault(invoice);
        var deliveries = reg.Deliveries.ToDictionary(d => d.Serial, StringComparer.Ordinal);
        bool Selected(string product) => productFilter is null || product == productFilter;

        var rows = new List<ReconciliationRow>();
        var exceptions = new List<ReportException>();
        var counted = new Dictionary<string, (string Tier, decimal Net, string Product)>(StringComparer.Ordinal);
        var invoicedEver = invoices.SelectMany(l => l.Serials).ToHashSet(StringComparer.Ordinal);
        var invoicedThisYear = new Dictionary<string, int>(StringComparer.Ordinal);
        var returnedThisYear = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var line in invoices.Where(l => l.IssuedOn.Year == year && Selected(l.ProductId)).OrderBy(l => l.IssuedOn).ThenBy(l => l.InvoiceNo, StringComparer.Ordinal).ThenBy(l => l.Line))
        {
            foreach (var serial in line.Serials)
            {
                var unit = fleet.Serial(serial);
                var serialCredits = credits.Where(c => c.CreditsInvoice == line.InvoiceNo && c.Serials.Contains(serial)).ToList();
                var credited = serialCredits.Sum(c => c.Share);
                var activation = fleet.ActivationOf(serial);
                var paid = Paid(line.InvoiceNo);
                invoicedThisYear[line.ProductId] = invoicedThisYear.GetValueOrDefault(line.ProductId) + 1;
                var returned = serialCredits.FirstOrDefault(c => c.Reason == "return");
                if (returned is not null)
                {
                    returnedThisYear[line.ProductId] = returnedThisYear.GetValueOrDefault(line.ProductId) + 1;
                }

                string? exclusion = null;
                string? detail = null;
                if (counted.ContainsKey(serial))
                {
                    (exclusion, detail) = ("invoiced_twice", $"{serial} is already counted on an earlier invoice line; invoice {line.InvoiceNo} line {line.Line} adds no sale");
                }
                else if (fleet.ReplacementOf(serial) is { } exchange)
                {
                    (exclusion, detail) = ("exchange_replacement", $"{serial} replaced {exchange.OriginalSerial} on {exchange.ExchangedOn:yyyy-MM-dd}; an exchange never adds a sale");
                }
                else if (unit is not null && !policy.CountedUnitClasses!.Contains(unit.UnitClass))
                {
                    (exclusion, detail) = ("unit_class", $"{serial} is a {unit.UnitClass} unit; only {string.Join(", ", policy.CountedUnitClasses!)} units are sales");
                }
                else if (policy.ExcludeRelatedPartyBuyers == true && fleet.Related(line.BuyerId, line.SellerId))
                {
                    (exclusion, detail) = ("related_party", $"buyer {line.BuyerId} is a related party of {line.SellerId}");
                }
                else if (returned is { ReturnedOn: { } back } && ReturnDays(deliveries.GetValueOrDefault(serial)?.DeliveredOn ?? line.IssuedOn, back) <= policy.ReturnWindowDays)
                {
                    var from = deliveries.ContainsKey(serial) ? "delivery" : "invoice";
                    (exclusion, detail) = ("returned_within_window", $"returned on {back:yyyy-MM-dd}, {ReturnDays(deliveries.GetValueOrDefault(serial)?.DeliveredOn ?? line.IssuedOn, back)} day(s) after {from}, within the {policy.ReturnWindowDays}-day window: never a sale");
                }
                else if (fleet.CloneReason(serial, policy.CloneActivationWindowHours!.Value) is { } clone)
                {
                    (exclusion, detail) = ("quarantined_clone", clone);
                }
                else if (fleet.Device(serial) is { } device && device.ProductId != line.ProductId)
                {
                    (exclusion, detail) = ("quarantined_product", $"{serial} reports product {device.ProductId}, invoiced as {line.ProductId}");
                }
                else if (activation is null && !paid)
                {
                    (exclusion, detail) = ("unpaid_not_activated", $"invoice {line.InvoiceNo} is not paid in full and {serial} has no verified activation");
                }

                var tier = exclusion is not null ? "-" : activation is not null ? "A" : "B";
                var net = line.Share + credited;
                if (exclusion is null)
                {
                    counted[serial] = (tier, net, line.ProductId);
                    if (tier == "B")
                    {
                        exceptions.Add(new ReportException("tier_b", serial, line.ProductId, $"invoiced ({line.InvoiceNo}) and paid, not yet activated: counted, flagged"));
                    }
                }
                else
                {
                    exceptions.Add(new ReportException(exclusion, serial, line.ProductId, detail!));
                }

                rows.Add(new ReconciliationRow(serial, line.ProductId, line.InvoiceNo, line.Line, line.IssuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), line.BuyerId,
                    unit?.UnitClass ?? "unregistered", line.Share, credited, net, paid, activation is null ? null : period.Show(activation.Time), tier, exclusion ?? "counted"));
            }
        }

        // Tier C: activated sale units with no invoice line at all (exchange replacements carry their original's sale).
        var tierC = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var unit in reg.Serials.Where(s => Selected(s.ProductId) && policy.CountedUnitClasses!.Contains(s.UnitClass)))
        {
            if (fleet.Activations(unit.Serial).Count > 0 && !invoicedEver.Contains(unit.Serial) && fleet.ReplacementOf(unit.Serial) is null)
            {
                tierC[unit.ProductId] = tierC.GetValueOrDefault(unit.ProductId) + 1;
                exceptions.Add(new ReportException("tier_c", unit.Serial, unit.ProductId, "activated with no invoice: not counted, listed for follow-up"));
            }
        }

        foreach (var device in inputs.Devices.Where(d => Selected(d.ProductId) && fleet.Serial(d.DeviceId) is null && fleet.Activations(d.DeviceId).Count > 0))
        {
            exceptions.Add(new ReportException("not_in_registry", device.DeviceId, device.ProductId, "activated, but not in the factory serial registry"));
        }

        var windows = policy.ActiveWindowDays!;
        var enterprises = new List<EnterpriseAward>();
        foreach (var enterprise in reg.Products.Where(p => Selected(p.ProductId)).GroupBy(p => p.EnterpriseId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var products = new List<ProductSales>();
            foreach (var product in enterprise)
            {
                var mine = counted.Values.Where(c => c.Product == product.ProductId).ToList();
                var (aUnits, aCny) = (mine.Count(c => c.Tier == "A"), mine.Where(c => c.Tier == "A").Sum(c => c.Net));
                var (bUnits, bCny) = (mine.Count(c => c.Tier == "B"), mine.Where(c => c.Tier == "B").Sum(c => c.Net));
                var v = aCny + bCny;
                var quarantined = exceptions.Count(e => e.ProductId == product.ProductId && e.Kind.StartsWith("quarantined", StringComparison.Ordinal));
                var reactivations = counted.Where(c => c.Value.Product == product.ProductId).Sum(c => fleet.WithReplacements(c.Key).Sum(s => Math.Max(0, fleet.Activations(s).Count - 1)));

                // Installed base: activated sale units of the product not returned and not quarantined, as of the year's end.
                var returnedEver = credits.Where(c => c.Reason == "return").SelectMany(c => c.Serials).ToHashSet(StringComparer.Ordinal);
                var installed = reg.Serials.Where(s => s.ProductId == product.ProductId && policy.CountedUnitClasses!.Contains(s.UnitClass) && !returnedEver.Contains(s.Serial)
                        && fleet.Activations(s.Serial) is { Count: > 0 } a && (a[0].Time.LoMs ?? long.MinValue) < period.ToMs
                        && fleet.CloneReason(s.Serial, policy.CloneActivationWindowHours!.Value) is null)
                    .Select(s => s.Serial).ToList();
                var active = windows.Select(days =>
                {
                    var from = period.ToMs - (days * 86_400_000L);
                    var n = installed.Count(s => fleet.Records(s, RecordTypes.UsageSummary).Any(u => (u.Number("operate_s") ?? 0) > 0 && u.Interval is { } i && ReportPeriod.Within(i, from, period.ToMs)));
                    return new ActiveRate(days, n, installed.Count == 0 ? 0 : (double)n / installed.Count);
                }).ToList();
                var usage = installed.SelectMany(s => fleet.Records(s, RecordTypes.UsageSummary)).Where(u => u.Interval is { } i && ReportPeriod.Within(i, period.FromMs, period.ToMs)).ToList();
                var inferences = usage.Sum(u => u.Data.TryGetProperty("inferences", out var inf) && inf.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? inf.EnumerateObject().Sum(m => m.Value.TryGetProperty("calls", out var c) && c.TryGetInt64(out var n) ? n : 0) : 0);
                var invoiced = invoicedThisYear.GetValueOrDefault(product.ProductId);
                var returnedUnits = returnedThisYear.GetValueOrDefault(product.ProductId);
                products.Add(new ProductSales(product.ProductId, product.Name, 0, false, aUnits, aCny, bUnits, bCny, aUnits + bUnits, v,
                    Money(policy.Rate!.Value * v), tierC.GetValueOrDefault(product.ProductId), quarantined, reactivations, invoiced, returnedUnits,
                    invoiced == 0 ? 0 : (double)returnedUnits / invoiced, installed.Count, active, Math.Round(usage.Sum(u => u.Number("operate_s") ?? 0) / 3600.0, 3), inferences));
            }

            var ranked = products.OrderByDescending(p => p.VerifiedCny).ThenBy(p => p.ProductId, StringComparer.Ordinal)
                .Select((p, i) => p with { Rank = i + 1, Selected = i < policy.MaxProductsPerEnterprise && p.VerifiedCny > 0 }).ToList();
            var before = ranked.Where(p => p.Selected).Sum(p => p.AwardAtRateCny);
            var cap = policy.CapPerEnterpriseCny!.Value;
            enterprises.Add(new EnterpriseAward(enterprise.Key, fleet.Org(enterprise.Key)?.Name ?? enterprise.Key, ranked, before, cap, Math.Min(cap, before), before > cap));
        }

        exceptions.AddRange(Boundary(fleet, period, reg.Serials.Where(s => Selected(s.ProductId)).Select(s => s.Serial)));
        var devices = inputs.Devices.Where(d => Selected(d.ProductId)).ToList();
        return new SalesAwardReport(
            header.Create(Kind, $"Sales-award evidence {year}", year, productFilter, null, "field data: device records verified by the hub, set against imported invoices", devices),
            enterprises, rows, exceptions);
    }

    /// <summary>Usage rollups that straddle the year's boundary or whose time is unknown: not counted in the year, listed.</summary>
    public static IEnumerable<ReportException> Boundary(Fleet fleet, ReportPeriod period, IEnumerable<string> serials)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(period);
        foreach (var serial in serials)
        {
            foreach (var u in fleet.Records(serial, RecordTypes.UsageSummary))
            {
                if (u.Interval is not { } i)
                {
                    yield return new ReportException("time_unknown", serial, fleet.Device(serial)!.ProductId, $"usage.summary seq {u.Seq}: time unknown, not placed in any period");
                }
                else if (ReportPeriod.Straddles(i, period.FromMs, period.ToMs))
                {
                    yield return new ReportException("straddles_period", serial, fleet.Device(serial)!.ProductId,
                        $"usage.summary seq {u.Seq} ({u.Time.Status}) covers {DateTimeOffset.FromUnixTimeMilliseconds(i.Lo).ToOffset(period.Offset):yyyy-MM-dd HH:mm} to {DateTimeOffset.FromUnixTimeMilliseconds(i.Hi).ToOffset(period.Offset):yyyy-MM-dd HH:mm}, across the period's boundary: not counted");
                }
            }
        }
    }

    public static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static int ReturnDays(DateOnly from, DateOnly back) => back.DayNumber - from.DayNumber;
}

/// <summary>Makes the header every report carries (profile, inputs, integrity roots, generation time).</summary>
internal sealed class ReportHeaderFactory(PolicyProfile profile, IReadOnlyList<InputDigest> inputs, DateTimeOffset generatedAt)
{
    public ReportHeader Create(string kind, string title, int year, string? product, string? site, string label, IEnumerable<DeviceEvidence> devices) =>
        new(kind, title, year, product, site, profile.Id!, profile.Version!, generatedAt.ToOffset(profile.UtcOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            label, inputs, [.. devices.Select(d => d.Root)]);
}
