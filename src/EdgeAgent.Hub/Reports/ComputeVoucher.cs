using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Policy;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// Compute-voucher usage (EVIDENCE.md): per enterprise, the amount incurred under each compute contract in the year (its
/// invoices), the profile's rate for its category and programme, the city cap, and what the devices recorded
/// (<c>compute.usage</c>) set against the calls invoiced. Under "both" the city part is the city rate (at most the
/// combined rate) and the national part the rest of the combined rate. On-device inference is listed as not eligible.
/// </summary>
internal static class ComputeVoucher
{
    public const string Kind = "compute-voucher";

    public static ComputeVoucherReport Compute(ReportInputs inputs, PolicyProfile profile, int year, string? productFilter, ReportHeaderFactory header)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(header);
        var policy = profile.ComputeVoucher!;
        var period = new ReportPeriod(year, profile.UtcOffset);
        var fleet = new Fleet(inputs);
        var reg = inputs.Registry;
        var exceptions = new List<ReportException>();
        var devices = inputs.Devices.Where(d => productFilter is null || d.ProductId == productFilter).ToList();
        string? EnterpriseOf(DeviceEvidence d) => fleet.Product(d.ProductId)?.EnterpriseId;
        bool InYear(EvidenceItem r) => r.Interval is { } i && ReportPeriod.Within(i, period.FromMs, period.ToMs);

        var enterprises = reg.ComputeContracts.Select(c => c.EnterpriseId).Concat(devices.Select(EnterpriseOf).OfType<string>())
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var result = new List<EnterpriseVoucher>();
        foreach (var enterprise in enterprises)
        {
            var mine = devices.Where(d => EnterpriseOf(d) == enterprise).ToList();
            var contracts = new List<ContractVoucher>();
            foreach (var contract in reg.ComputeContracts.Where(c => c.EnterpriseId == enterprise).OrderBy(c => c.ContractId, StringComparer.Ordinal))
            {
                var bills = reg.ComputeInvoices.Where(i => i.ContractId == contract.ContractId && i.IssuedOn.Year == year).ToList();
                var incurred = bills.Sum(b => b.AmountCny);
                var rate = policy.Rates!.Single(r => r.Category == contract.Category);
                var (city, national) = contract.Programme switch
                {
                    "city" => (rate.City, (decimal?)null),
                    "national" => (null, rate.National),
                    _ => rate.Both is { } both ? (Math.Min(rate.City ?? 0, both), both - Math.Min(rate.City ?? 0, both)) : ((decimal?)null, (decimal?)null),
                };
                var eligible = city is not null || national is not null;
                if (!eligible)
                {
                    exceptions.Add(new ReportException("not_eligible", contract.ContractId, "", $"{contract.Category} is not eligible under the {contract.Programme} voucher in {profile.Id}"));
                }

                var recorded = mine.SelectMany(d => fleet.Records(d.DeviceId, RecordTypes.ComputeUsage))
                    .Where(r => r.Text("contract") == contract.ContractId && InYear(r)).Sum(r => (long)(r.Number("calls") ?? 0));
                var invoicedCalls = bills.Sum(b => b.Calls);
                contracts.Add(new ContractVoucher(contract.ContractId, contract.Provider, contract.Category, contract.Programme, incurred, city, national,
                    SalesAward.Money(incurred * (city ?? 0)), SalesAward.Money(incurred * (national ?? 0)), eligible, invoicedCalls, recorded,
                    recorded - invoicedCalls, invoicedCalls == 0 ? null : Math.Round((double)(recorded - invoicedCalls) / invoicedCalls, 4)));
            }

            var onDevice = mine.SelectMany(d => fleet.Records(d.DeviceId, RecordTypes.UsageSummary)).Where(InYear)
                .SelectMany(u => u.Data.TryGetProperty("inferences", out var inf) && inf.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? inf.EnumerateObject().Select(m => (m.Name, Calls: m.Value.TryGetProperty("calls", out var c) && c.TryGetInt64(out var n) ? n : 0))
                    : [])
                .GroupBy(m => m.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new OnDeviceInference(g.Key, g.Sum(m => m.Calls), "not eligible: on-device inference is not bought compute")).ToList();
            var cityBefore = contracts.Sum(c => c.CityCny);
            var cap = policy.CityCapPerEnterpriseCny!.Value;
            var cityAfter = Math.Min(cap, cityBefore);
            var nationalTotal = contracts.Sum(c => c.NationalCny);
            result.Add(new EnterpriseVoucher(enterprise, fleet.Org(enterprise)?.Name ?? enterprise, contracts, cityBefore, cap, cityAfter, cityBefore > cap,
                nationalTotal, cityAfter + nationalTotal, onDevice));
        }

        foreach (var d in devices)
        {
            exceptions.AddRange(fleet.Records(d.DeviceId, RecordTypes.ComputeUsage).Where(r => r.Text("contract") is { } c && reg.ComputeContracts.All(k => k.ContractId != c))
                .Select(r => new ReportException("unknown_contract", d.DeviceId, d.ProductId, $"compute.usage seq {r.Seq} names contract '{r.Text("contract")}', which is not imported")));
        }

        return new ComputeVoucherReport(
            header.Create(Kind, $"Compute-voucher usage {year}", year, productFilter, null, "amounts from imported compute invoices; calls recorded by the devices set against them", devices),
            result, exceptions);
    }
}
