using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Tests.Reports;

/// <summary>
/// The three reports over <see cref="FixtureFleet"/>, every figure worked out by hand below (CNY; hours; rates as
/// fractions). The fleet is built once for the class through the real import and ingestion paths.
/// </summary>
public sealed class GoldenReportTests(GoldenFleetFixture fixture) : IClassFixture<GoldenFleetFixture>
{
    private readonly ReportInputs _inputs = fixture.Inputs;

    [Fact]
    public void SalesAward_CapBinding_Ent_A_CappedAt3Million()
    {
        var report = SalesAward.Compute(_inputs, FixtureFleet.Profile, 2025, null, FixtureFleet.Header(_inputs));
        var a = report.Enterprises.Single(e => e.EnterpriseId == "ent-a");
        var pa = a.Products.Single(p => p.ProductId == "pa");
        var pa2 = a.Products.Single(p => p.ProductId == "pa2");

        // pa: A1 and A2 on INV-A1 (70,000,000 / 2 = 35,000,000 each), both activated: tier A 2 units, 70,000,000.
        //     A3 (INV-A2) is unpaid and never activated: not counted. A2's second activation is a reactivation: no sale.
        Assert.Equal((2, 70_000_000.00m, 0, 0m), (pa.TierAUnits, pa.TierACny, pa.TierBUnits, pa.TierBCny));
        Assert.Equal(70_000_000.00m, pa.VerifiedCny);
        Assert.Equal(3_500_000.00m, pa.AwardAtRateCny); // 5% × 70,000,000
        Assert.Equal(1, pa.Reactivations);
        // pa2: A4 invoiced 1,000,000 and paid in full, never activated: tier B, counted and flagged.
        Assert.Equal((0, 1, 1_000_000.00m, 50_000.00m), (pa2.TierAUnits, pa2.TierBUnits, pa2.VerifiedCny, pa2.AwardAtRateCny));
        // Ranked by V: pa (70,000,000) then pa2 (1,000,000); both within the 5 products.
        Assert.Equal((1, true, 2, true), (pa.Rank, pa.Selected, pa2.Rank, pa2.Selected));
        // Σ 5% × V = 3,500,000 + 50,000 = 3,550,000 > 3,000,000: the cap binds.
        Assert.Equal((3_550_000.00m, 3_000_000m, 3_000_000m, true), (a.AwardBeforeCapCny, a.CapCny, a.AwardCny, a.CapBinding));
    }

    [Fact]
    public void SalesAward_CapNotBinding_Ent_B_EveryExclusionApplied()
    {
        var report = SalesAward.Compute(_inputs, FixtureFleet.Profile, 2025, null, FixtureFleet.Header(_inputs));
        var b = report.Enterprises.Single(e => e.EnterpriseId == "ent-b");
        var pb = b.Products.Single();

        // Counted (tier A): B1 10,000 − 1,000 price credit = 9,000; B5 returned after 18 days (> 7), credited in full:
        // 10,000 − 10,000 = 0, still a unit; B6 10,000 (exchanged for B7 later: one sale). 3 units, 19,000.
        Assert.Equal((3, 19_000.00m, 0, 3, 19_000.00m), (pb.TierAUnits, pb.TierACny, pb.TierBUnits, pb.VerifiedUnits, pb.VerifiedCny));
        // 5% × 19,000 = 950 < 3,000,000.
        Assert.Equal((950.00m, 950.00m, 950.00m, false), (pb.AwardAtRateCny, b.AwardBeforeCapCny, b.AwardCny, b.CapBinding));
        // Tier C: B8 (activated, no invoice); B7 is an exchange replacement, not tier C. Quarantined: B9, B10.
        Assert.Equal((1, 2, 0), (pb.TierCUnits, pb.Quarantined, pb.Reactivations));
        // Invoiced in 2025: B1 B2 B3 B4 B5 B6 B9 B10 = 8; returned: B4, B5 = 2; 2 / 8 = 0.25.
        Assert.Equal((8, 2, 0.25), (pb.InvoicedUnits, pb.ReturnedUnits, pb.ReturnRate));
        // Installed base: activated sale units not returned, not quarantined: B1 B6 B7 B8 = 4.
        // Active in the last 30 days (from 2025-12-02): B1 (Dec 15), B6 (Dec 20) = 2/4; last 90 (from 2025-10-03): + B8 (Oct 15) = 3/4.
        Assert.Equal(4, pb.InstalledBase);
        Assert.Equal([(30, 2, 0.5), (90, 3, 0.75)], pb.ActiveRates.Select(r => (r.Days, r.Active, r.Rate)));
        // Operating seconds wholly in 2025: B1 30,000 + 3,600; B6 28,800 + 3,600 (its rollup across New Year is not counted); B8 1,800 = 67,800 s.
        Assert.Equal(Math.Round(67_800 / 3600.0, 3), pb.OperatingHours);
        Assert.Equal(500, pb.Inferences);

        var why = report.Exceptions.ToLookup(e => e.Serial, e => e.Kind);
        Assert.Equal(["unit_class"], why["B2"]);
        Assert.Equal(["related_party"], why["B3"]);
        Assert.Equal(["returned_within_window"], why["B4"]);
        Assert.Equal(["quarantined_clone"], why["B9"]);
        Assert.Equal(["quarantined_clone"], why["B10"]);
        Assert.Equal(["tier_c"], why["B8"]);
        Assert.Equal(["unpaid_not_activated"], why["A3"]);
        Assert.Equal(["tier_b"], why["A4"]);
        Assert.Equal(["straddles_period"], why["B6"]);
        Assert.Empty(why["B7"]);
        Assert.Contains("two keys", report.Exceptions.Single(e => e.Serial == "B10").Detail, StringComparison.Ordinal);
        Assert.Contains("2 h apart", report.Exceptions.Single(e => e.Serial == "B9").Detail, StringComparison.Ordinal);

        var b1 = report.Reconciliation.Single(r => r.Serial == "B1");
        Assert.Equal((10_000.00m, -1_000.00m, 9_000.00m, true, "A", "counted"), (b1.ShareCny, b1.CreditedCny, b1.NetCny, b1.Paid, b1.Tier, b1.Status));
        Assert.EndsWith("(anchored)", b1.ActivatedAt, StringComparison.Ordinal); // no RTC: placed by its boot's clock.sync
        Assert.Equal(12, report.Reconciliation.Count); // every serial of every 2025 invoice line: 2 + 1 + 1 + 2 + 1 + 2 + 1 + 2
    }

    [Fact]
    public void SalesAward_ProductFilter_OnlyThatProduct()
    {
        var report = SalesAward.Compute(_inputs, FixtureFleet.Profile, 2025, "pa2", FixtureFleet.Header(_inputs));

        var only = Assert.Single(report.Enterprises);
        Assert.Equal("pa2", Assert.Single(only.Products).ProductId);
        Assert.Equal(50_000.00m, only.AwardCny);
        Assert.All(report.Reconciliation, r => Assert.Equal("pa2", r.ProductId));
    }

    [Fact]
    public void SalesAward_Header_StatesProfileInputsAndIntegrityRoots()
    {
        var report = SalesAward.Compute(_inputs, FixtureFleet.Profile, 2025, null, FixtureFleet.Header(_inputs));

        Assert.Equal(("hz-2025-draft", "2025.1-draft"), (report.Header.ProfileId, report.Header.ProfileVersion));
        Assert.Equal(14, report.Header.Inputs.Single(i => i.Name == "serials").Rows);
        Assert.Equal(12, report.Header.Inputs.Single(i => i.Name == "invoice_lines").Rows);
        Assert.Matches("^[0-9a-f]{64}$", report.Header.Inputs.Single(i => i.Name == "records").Sha256);
        var b1 = report.Header.IntegrityRoots.Single(r => r.DeviceId == "B1");
        Assert.Equal((5L, 5L), (b1.HeadSeq, b1.CheckpointSeq));
        Assert.Equal(b1.HeadHash, b1.CheckpointHash);
    }

    [Fact]
    public void Pilot_SiteOne_OrderReliabilityKpisDocumentsAndFlags()
    {
        var report = Pilot.Compute(_inputs, FixtureFleet.Profile, 2025, "pb", "site-1", FixtureFleet.ReportTime, FixtureFleet.Header(_inputs));
        var g = Assert.Single(report.Groups);

        // Order per (buyer-x, pb) by commissioning: B1 (Apr 5), B6 (Aug 5), B7 (Aug 21, its latest commissioning), B8 (Sep 1); the first 3 are 首台（套）.
        Assert.Equal([("B1", 1, true), ("B6", 2, true), ("B7", 3, true), ("B8", 4, false)], report.Units.Select(u => (u.Serial, u.Order, u.FirstUnit)));
        Assert.Equal((4, 3), (g.Units, g.FirstUnits));

        // T = operate seconds in service: B1 30,000 + 3,600; B6 28,800 + 3,600; B8 1,800; = 67,800 s = 18.8333 h. r = 2
        // (B6 and B8 motor_overheat, relevant; B6 storage_full is not). MTBF = 18.8333 / 2 = 9.4167 h.
        // θ_L = 2T / χ²(0.90; 6) = 37.6667 / 10.6446 = 3.5386 h. MTTR: B6 cleared after 2 h (B8 never cleared) = 2 h.
        // Availability: up = Σ operate + idle = 37,200 + 39,600 + 3,600 = 80,400 s; down = Σ fault = 2,400 s; 80,400 / 82,800.
        var rel = g.Reliability;
        Assert.Equal((18.8333, 2, 9.4167), (rel.OperatingHours, rel.RelevantFailures, rel.MtbfHours));
        Assert.Equal(3.5386, rel.MtbfLowerHours, 3);
        Assert.Equal(Math.Round(2 / 18.8333, 4), Math.Round(rel.FailureRatePerHour, 4));
        Assert.Equal((2.0, 1), (rel.MttrHours, rel.NoFaultFound));
        Assert.Equal(Math.Round(80_400 / 82_800.0, 6), rel.Availability);

        // Observed = Σ period: 39,600 + 39,600 + 3,600 = 82,800 s = 23 h over calendar hours from each commissioning to 2026-01-01.
        var end = new DateTimeOffset(2026, 1, 1, 0, 0, 0, FixtureFleet.Cst);
        var calendar = new[] { new DateTimeOffset(2025, 4, 5, 8, 0, 0, FixtureFleet.Cst), new(2025, 8, 5, 8, 0, 0, FixtureFleet.Cst), new(2025, 8, 21, 9, 0, 0, FixtureFleet.Cst), new(2025, 9, 1, 9, 0, 0, FixtureFleet.Cst) }
            .Sum(start => (end - start).TotalHours);
        Assert.Equal(23.0, g.ObservedHours);
        Assert.Equal(Math.Round(calendar, 3), g.CalendarHours, 3);
        Assert.Equal(Math.Round(23.0 / calendar, 4), g.Coverage, 4);

        Assert.Equal([("motor_overheat", 2, true, 0.6667), ("storage_full", 1, false, 1.0)], g.FaultPareto.Select(f => (f.Code, f.Count, f.Relevant, f.CumulativeShare)));
        // latency_ms samples 40, 42, 44, 60: median 43; P5 = 40 + 0.15 × 2 = 40.3; P95 = 44 + 0.85 × 16 = 57.6 > 50 (max): not met.
        var kpi = Assert.Single(g.Kpis);
        Assert.Equal((4, 43.0, 40.3, 57.6, false), (kpi.Samples, kpi.Median, kpi.P5, kpi.P95, kpi.Meets));
        Assert.Equal([("contract", true), ("delivery_note", false), ("acceptance_report", false), ("use_report", true)], g.Documents.Select(d => (d.Document, d.Present)));
        // B7 was commissioned at site-2 (prog-national) before site-1 (prog-city): claims under two programmes.
        Assert.Equal((false, true), (g.RelatedParty, g.TwoProgrammes));
        Assert.Equal(["prog-city", "prog-national"], g.Programmes);

        var b1 = report.Units.Single(u => u.Serial == "B1").Timeline;
        Assert.Equal(("2025-03-15", "2025-04-01", "2025-04-25", "2025-04-03"), (b1.Contract, b1.Invoice, b1.Payment, b1.Delivery));
        Assert.Equal("2025-04-05T08:00:00+08:00 (anchored)", b1.Commissioning);
        Assert.Equal("2025-04-10T18:00:00+08:00 (anchored)", b1.FirstProductiveUse);
        Assert.Contains(report.Exceptions, e => e.Kind == "straddles_period" && e.Serial == "B6");
    }

    [Fact]
    public void Pilot_NoFailures_LowerBoundIsTOverMinusLnAlpha()
    {
        var report = Pilot.Compute(_inputs, FixtureFleet.Profile, 2025, "pa", null, FixtureFleet.ReportTime, FixtureFleet.Header(_inputs));
        var g = Assert.Single(report.Groups);

        // A1 at site-2: T = 7,200 s = 2 h, r = 0: no MTBF point estimate; θ_L = 2 / −ln 0.1 = 2 / 2.302585 = 0.8686 h.
        Assert.Equal(("site-2", 2.0, 0, (double?)null), (g.SiteId, g.Reliability.OperatingHours, g.Reliability.RelevantFailures, g.Reliability.MtbfHours));
        Assert.Equal(0.8686, g.Reliability.MtbfLowerHours, 4);
        Assert.False(g.RelatedParty); // buyer-rel is related to ent-b, not to ent-a
    }

    [Fact]
    public void Pilot_RelatedPartyUser_Flagged()
    {
        var report = Pilot.Compute(_inputs, FixtureFleet.Profile, 2025, "pb", "site-2", FixtureFleet.ReportTime, FixtureFleet.Header(_inputs));

        var g = Assert.Single(report.Groups);
        Assert.Equal(("B3", true, false), (Assert.Single(report.Units).Serial, g.RelatedParty, g.TwoProgrammes));
    }

    [Fact]
    public void ComputeVoucher_CityCapBindingForEntA_NotForEntB()
    {
        var report = ComputeVoucher.Compute(_inputs, FixtureFleet.Profile, 2025, null, FixtureFleet.Header(_inputs));
        var a = report.Enterprises.Single(e => e.EnterpriseId == "ent-a");
        var c1 = a.Contracts.Single(c => c.ContractId == "CC-A1");
        var c2 = a.Contracts.Single(c => c.ContractId == "CC-A2");
        var c3 = a.Contracts.Single(c => c.ContractId == "CC-A3");

        // CC-A1 model service, city: 10,000,000 + 20,000,000 = 30,000,000 × 30% = 9,000,000. Devices recorded 1,200 + 1,700 = 2,900
        // calls against 3,000 invoiced: −100 (−3.33%).
        Assert.Equal((30_000_000.00m, 9_000_000.00m, 0m), (c1.IncurredCny, c1.CityCny, c1.NationalCny));
        Assert.Equal((3000L, 2900L, -100L, -0.0333), (c1.InvoicedCalls, c1.RecordedCalls, c1.VarianceCalls, c1.VarianceShare));
        // CC-A2 other compute, both (≤ 25%): city part 20% = 200,000, national the rest 5% = 50,000.
        Assert.Equal((200_000.00m, 50_000.00m), (c2.CityCny, c2.NationalCny));
        // CC-A3 data purchase under the city voucher: not eligible.
        Assert.Equal((false, 0m, 0m), (c3.Eligible, c3.CityCny, c3.NationalCny));
        Assert.Contains(report.Exceptions, e => e.Kind == "not_eligible" && e.Serial == "CC-A3");
        // City: 9,000,000 + 200,000 = 9,200,000 > 8,000,000 cap; national 50,000; total 8,050,000.
        Assert.Equal((9_200_000.00m, 8_000_000m, true, 50_000.00m, 8_050_000.00m), (a.CityBeforeCapCny, a.CityCny, a.CityCapBinding, a.NationalCny, a.TotalCny));

        // ent-b: CC-B1 domestic compute, national 30% of the 2025 invoice 100,000 (the 2024 one is another year) = 30,000.
        var b = report.Enterprises.Single(e => e.EnterpriseId == "ent-b");
        Assert.Equal((100_000.00m, 30_000.00m, 0m, false, 30_000.00m), (b.Contracts.Single().IncurredCny, b.NationalCny, b.CityCny, b.CityCapBinding, b.TotalCny));
        // On-device inference (B6's blazeface calls in 2025; the rollup across New Year is not counted): not eligible.
        var onDevice = Assert.Single(b.OnDevice);
        Assert.Equal(("blazeface", 500L), (onDevice.Model, onDevice.Calls));
        Assert.StartsWith("not eligible", onDevice.Eligibility, StringComparison.Ordinal);
    }
}

/// <summary>Builds the golden fleet once for <see cref="GoldenReportTests"/> and the render tests.</summary>
public sealed class GoldenFleetFixture : IAsyncLifetime
{
    internal FixtureFleet Fleet { get; private set; } = null!;

    internal ReportInputs Inputs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fleet = await FixtureFleet.BuildAsync();
        Inputs = Fleet.Inputs();
    }

    public Task DisposeAsync()
    {
        Fleet.Dispose();
        return Task.CompletedTask;
    }
}
