using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Tests.Reports;

/// <summary><see cref="TenantInputs"/> over the golden fleet: a tenant's reports hold only its own rows, and its own figures are the fleet-wide ones.</summary>
public sealed class TenantInputsTests(GoldenFleetFixture fixture) : IClassFixture<GoldenFleetFixture>
{
    private RawInputs Raw()
    {
        using var store = HubStore.Open(fixture.Fleet.Db);
        return new RawInputs(EvidenceReader.ReadTables(store), EvidenceReader.ReadDevices(store));
    }

    private static EvidenceReport Report(string kind, ReportInputs inputs, string? site = null) =>
        EvidenceReports.Compute(kind, inputs, FixtureFleet.Profile, 2025, null, site, FixtureFleet.ReportTime);

    /// <summary>Every id and name that belongs to an enterprise other than <paramref name="org"/>: it, its products, their serials and devices, the invoices it issued, its contracts and compute contracts.</summary>
    private static List<string> OfOthers(ReportInputs all, string org)
    {
        var r = all.Registry;
        var products = r.Products.Where(p => p.EnterpriseId != org).ToList();
        var ids = products.Select(p => p.ProductId).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. r.Organisations.Where(o => products.Any(p => p.EnterpriseId == o.OrgId)).SelectMany(o => new[] { o.OrgId, o.Name }),
            .. products.SelectMany(p => new[] { p.ProductId, p.Name }),
            .. r.Serials.Where(s => ids.Contains(s.ProductId)).Select(s => s.Serial),
            .. all.Devices.Where(d => ids.Contains(d.ProductId)).Select(d => d.DeviceId),
            .. r.InvoiceLines.Where(l => l.SellerId != org).Select(l => l.InvoiceNo),
            .. r.Contracts.Where(c => c.SellerId != org).Select(c => c.ContractId),
            .. r.ComputeContracts.Where(c => c.EnterpriseId != org).Select(c => c.ContractId),
        ];
    }

    private static bool Shows(string text, string token) => Regex.IsMatch(text, $"(?<![A-Za-z0-9_.-]){Regex.Escape(token)}(?![A-Za-z0-9_.-])");

    [Theory]
    [InlineData("ent-a")]
    [InlineData("ent-b")]
    public void ForEnterprise_EveryKind_NothingOfAnotherEnterprise(string org)
    {
        var raw = Raw();
        var all = raw.Assemble();
        var own = TenantInputs.ForEnterprise(raw, org).Assemble();
        var others = OfOthers(all, org);
        Assert.NotEmpty(others);

        foreach (var kind in EvidenceReports.Kinds)
        {
            foreach (var format in new[] { "json", "csv", "html" })
            {
                var text = EvidenceReports.Text(Report(kind, own), format);
                text = format == "html" ? text[text.IndexOf("</head>", StringComparison.Ordinal)..] : text; // not the style sheet (A4) or Chart.js's identifiers
                Assert.True(others.FirstOrDefault(t => Shows(text, t)) is not { } leak, $"{org}: its {kind} {format} shows '{others.FirstOrDefault(t => Shows(text, t))}' of another enterprise");
                Assert.True(others.Any(t => Shows(Report(kind, all).Json, t)), $"{kind}: the fleet-wide report names none of the other enterprise's ids, so this test could not see a leak");
            }
        }
    }

    [Theory]
    [InlineData("ent-a")]
    [InlineData("ent-b")]
    public void ForEnterprise_SalesAwardAndVoucher_ItsFiguresAsInTheFleetWideReport(string org)
    {
        var raw = Raw();
        var all = raw.Assemble();
        var own = TenantInputs.ForEnterprise(raw, org).Assemble();
        var products = all.Registry.Products.Where(p => p.EnterpriseId == org).Select(p => p.ProductId).ToHashSet(StringComparer.Ordinal);

        var (fullSales, ownSales) = (Parse<SalesAwardReport>(Report(SalesAward.Kind, all)), Parse<SalesAwardReport>(Report(SalesAward.Kind, own)));
        var (fullVoucher, ownVoucher) = (Parse<ComputeVoucherReport>(Report(ComputeVoucher.Kind, all)), Parse<ComputeVoucherReport>(Report(ComputeVoucher.Kind, own)));

        Assert.Equal(Json(fullSales.Enterprises.Single(e => e.EnterpriseId == org)), Json(Assert.Single(ownSales.Enterprises)));
        Assert.Equal(fullSales.Reconciliation.Where(r => products.Contains(r.ProductId)), ownSales.Reconciliation);
        Assert.Equal(fullSales.Exceptions.Where(e => products.Contains(e.ProductId)), ownSales.Exceptions);
        Assert.Equal(Json(fullVoucher.Enterprises.Single(e => e.EnterpriseId == org)), Json(Assert.Single(ownVoucher.Enterprises)));
        Assert.NotEqual(all.Inputs.Single(i => i.Name == "invoice_lines").Sha256, own.Inputs.Single(i => i.Name == "invoice_lines").Sha256);
    }

    [Fact]
    public void ForSite_Pilot_ItsUnitsAsInTheFleetWideReportAndNoOtherSite()
    {
        var raw = Raw();
        var full = Parse<PilotReport>(Report(Pilot.Kind, raw.Assemble()));
        var own = Report(Pilot.Kind, TenantInputs.ForSite(raw, "site-1").Assemble());
        var report = Parse<PilotReport>(own);

        Assert.Equal(string.Join("\n", full.Units.Where(u => u.SiteId == "site-1").Select(Json)), string.Join("\n", report.Units.Select(Json)));
        Assert.Equal(full.Groups.Where(g => g.SiteId == "site-1").Select(Json), report.Groups.Select(Json));
        Assert.NotEmpty(report.Units);
        Assert.Equal(report.Units.Select(u => u.Serial).Order(StringComparer.Ordinal), report.Header.IntegrityRoots.Select(r => r.DeviceId).Order(StringComparer.Ordinal));
        Assert.False(Shows(own.Json, "site-2"), "site-1's pilot report names site-2");
        Assert.DoesNotContain(full.Units.Where(u => u.SiteId != "site-1"), u => Shows(own.Json, u.Serial));
    }

    private static T Parse<T>(EvidenceReport report) => (T)JsonSerializer.Deserialize(report.Json, typeof(T), ReportJsonContext.Default)!;

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, typeof(T), ReportJsonContext.Default);
}
