using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Bundle;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Reports;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Bundle;

/// <summary>
/// The bundle of the golden fixture fleet's product pb for 2025 (reports with real content: tiers, exclusions, a pilot,
/// vouchers): verify recomputes every report from the bundle alone and finds nothing when it is honest; one changed
/// byte of a record, a key, an import line or a bundled figure is named, with the figures the change moves.
/// </summary>
public sealed class BundleRecomputeTests(GoldenFleetFixture fixture) : IClassFixture<GoldenFleetFixture>, IDisposable
{
    private const string Product = "pb";
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _hubKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public void Verify_HonestGoldenBundle_NoFindingsAndRecomputedReportsEqualBundled()
    {
        var path = Export();

        var result = Verify(path);

        Assert.True(result.IsValid, string.Join("\n", result.Findings));
        Assert.Equal(BundleLayout.Reports.Count, result.ReportsRecomputed);
        var entries = Entries(path);
        var manifest = result.Manifest!;
        var findings = new List<BundleFinding>();
        var (inputs, profile) = BundleInputs.Read(manifest, entries, findings);
        Assert.Empty(findings);
        foreach (var (file, content) in BundleReports.Compute(inputs!, profile!, 2025, Product, BundleReports.GeneratedAt(manifest)))
        {
            Assert.True(entries[file].AsSpan().SequenceEqual(content), $"{file} recomputed differs");
        }

        // The bundled report has the golden figures (GoldenReportTests): pb's V = 19,000, 3 tier-A units, B8 in tier C.
        var pb = Sales(entries).GetProperty("enterprises")[0].GetProperty("products")[0];
        Assert.Equal(("pb", 19_000.00m, 3, 1), (pb.GetProperty("product_id").GetString(), pb.GetProperty("verified_cny").GetDecimal(),
            pb.GetProperty("tier_a_units").GetInt32(), pb.GetProperty("tier_c_units").GetInt32()));
        // Only pb's devices are in the bundle and its reports; the registry is whole.
        Assert.All(manifest.Devices, d => Assert.Equal(Product, d.ProductId));
        Assert.Equal(["B1", "B10", "B2", "B3", "B5", "B6", "B7", "B8", "B9"], manifest.Devices.Select(d => d.DeviceId)); // B4 is not enrolled; no product pa device
        Assert.Equal(1, manifest.Devices.Single(d => d.DeviceId == "B10").BadSignatureBatches);
    }

    [Fact]
    public void Export_ReportsFromTheDatabase_EqualTheGoldenFiguresOfTheProduct()
    {
        using var store = HubStore.Open(fixture.Fleet.Db);
        var inputs = EvidenceReader.Read(store, Product);

        var report = SalesAward.Compute(inputs, FixtureFleet.Profile, 2025, Product, FixtureFleet.Header(inputs));

        var pb = report.Enterprises.Single().Products.Single();
        Assert.Equal((19_000.00m, 4, 2), (pb.VerifiedCny, pb.InstalledBase, pb.Quarantined));
        Assert.All(inputs.Devices, d => Assert.Equal(Product, d.ProductId));
    }

    [Fact]
    public void Verify_OneByteOfARecordChanged_NamesTheRecordAndTheFiguresItMoves()
    {
        var path = Export();
        var line = LineOf(path, BundleLayout.Entries("B6"), "\"operate_s\":28800");
        BundleTampering.Rewrite(path, BundleLayout.Entries("B6"), text => text.Replace("\"operate_s\":28800", "\"operate_s\":38800", StringComparison.Ordinal));

        var findings = Verify(path).Findings;

        Assert.Contains(findings, f => (f.Path, f.Line, f.Seq, f.Reason) == (BundleLayout.Entries("B6"), line, (long)line, RejectionReasons.BrokenChain));
        // B6's 10,000 s more of operation (2.778 h) show in the product's operating hours, and in the records' digest.
        Assert.Contains(findings, f => f.Path == BundleLayout.SalesAwardJson && f.Reason == BundleRecompute.FigureMismatch &&
            f.Detail == "$.enterprises[0].products[0].operating_hours: bundled 18.833, recomputed 21.611");
        Assert.Contains(findings, f => f.Path == BundleLayout.SalesAwardJson && f.Detail.StartsWith("$.header.inputs[13].sha256: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_DeviceKeyChanged_KeyMismatchOnly()
    {
        var path = Export();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        BundleTampering.Rewrite(path, BundleLayout.DeviceKey("B1"), _ => other.ExportSubjectPublicKeyInfoPem());

        var finding = Assert.Single(Verify(path).Findings);

        Assert.Equal((BundleLayout.DeviceKey("B1"), BundleVerifier.KeyMismatch), (finding.Path, finding.Reason));
    }

    [Fact]
    public void Verify_InvoiceAmountChanged_NamesTheLineAndTheFiguresItMoves()
    {
        var path = Export();
        var file = BundleLayout.Input("invoice_lines");
        var line = LineOf(path, file, "INV-B4,1,");
        BundleTampering.Rewrite(path, file, text => text.Replace(",B6,10000.00,", ",B6,90000.00,", StringComparison.Ordinal));

        var findings = Verify(path).Findings;

        var changed = Assert.Single(findings, f => f.Reason == BundleVerifier.LineDigest);
        Assert.Equal((file, line), (changed.Path, changed.Line));
        // B6 is counted in tier A: V goes from 19,000 to 99,000, the award at 5% from 950 to 4,950.
        var figures = findings.Where(f => f.Reason == BundleRecompute.FigureMismatch).Select(f => f.ToString()).ToList();
        Assert.Contains("report/sales-award.json: figure_mismatch: $.enterprises[0].products[0].verified_cny: bundled 19000.00, recomputed 99000.00", figures);
        Assert.Contains("report/sales-award.json: figure_mismatch: $.enterprises[0].award_cny: bundled 950.00, recomputed 4950.00", figures);
        Assert.Contains(figures, f => f.StartsWith("report/sales-award.json: figure_mismatch: $.header.inputs[5].sha256: ", StringComparison.Ordinal));
        Assert.Contains(findings, f => (f.Path, f.Reason) == (BundleLayout.SalesAwardHtml, BundleRecompute.RenderingMismatch));
        Assert.All(findings, f => Assert.True(f.Path == file || f.Path.StartsWith("report/", StringComparison.Ordinal), f.ToString()));
    }

    [Fact]
    public void Verify_BundledFigureChanged_NamesThatFigure()
    {
        var path = Export();
        BundleTampering.Rewrite(path, BundleLayout.SalesAwardJson, text => text.Replace("\"verified_cny\": 19000.00", "\"verified_cny\": 19900.00", StringComparison.Ordinal));

        var findings = Verify(path).Findings;

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => (f.Path, f.Reason) == (BundleLayout.SalesAwardJson, BundleVerifier.FileDigest));
        Assert.Contains(findings, f => f.ToString() == "report/sales-award.json: figure_mismatch: $.enterprises[0].products[0].verified_cny: bundled 19900.00, recomputed 19000.00");
    }

    [Fact]
    public void Verify_ReceiveTimeChanged_NamesTheLine()
    {
        var path = Export();
        var file = BundleLayout.Received("B1");
        BundleTampering.Rewrite(path, file, text => text.Replace("2,", "2,1", StringComparison.Ordinal));

        var findings = Verify(path).Findings;

        Assert.Contains(findings, f => (f.Path, f.Line, f.Reason) == (file, 3, BundleVerifier.LineDigest));
    }

    [Fact]
    public async Task Cli_ExportThenVerify_Exit0ThenInvoiceChangedExit1NamingLineAndFigure()
    {
        var bundle = _dir.Combine("pb-2025.zip");

        var export = await HubCliRunner.RunAsync("export", "evidence", "--year", "2025", "--product", Product, "--out", bundle, "--db", fixture.Fleet.Db);
        var verify = await HubCliRunner.RunAsync("verify", bundle, "--hub-key", WritePem(HubEvidenceKey.PathFor(fixture.Fleet.Db)));
        var file = BundleLayout.Input("invoice_lines");
        var line = LineOf(bundle, file, "INV-B4,1,");
        BundleTampering.Rewrite(bundle, file, text => text.Replace(",B6,10000.00,", ",B6,90000.00,", StringComparison.Ordinal));
        var tampered = await HubCliRunner.RunAsync("verify", bundle);

        Assert.Equal((0, 0, 1), (export.Code, verify.Code, tampered.Code));
        Assert.Contains("9 device(s)", export.Output, StringComparison.Ordinal);
        Assert.Contains("hz-2025-draft", export.Output, StringComparison.Ordinal);
        Assert.StartsWith("verified: ", verify.Output, StringComparison.Ordinal);
        Assert.Contains("4 report(s) recomputed; 0 finding(s)", verify.Output, StringComparison.Ordinal);
        // The README's example output, line for line.
        Assert.Equal(12, line);
        Assert.Contains("inputs/invoice_lines.csv:12: line_digest: the line is not the one the hub signed", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("report/sales-award.json: figure_mismatch: $.enterprises[0].products[0].verified_cny: bundled 19000.00, recomputed 99000.00", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("NOT VERIFIED", tampered.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _hubKey.Dispose();
        _dir.Dispose();
    }

    private string Export()
    {
        var path = _dir.Combine($"bundle-{Guid.NewGuid():N}.zip");
        var (profile, bytes) = PolicyLoader.LoadFile(RepositoryRoot.Combine("policies", "hz-2025-draft.json"));
        using var store = HubStore.Open(fixture.Fleet.Db);
        EvidenceExport.Write(store, Product, 2025, profile, bytes, _hubKey, FixtureFleet.ReportTime, path);
        return path;
    }

    /// <summary>The public half of the hub's evidence key, as the operator hands it to the auditor.</summary>
    private string WritePem(string privateKeyPath)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(privateKeyPath));
        var path = _dir.Combine("hub-key.pem");
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private static BundleVerification Verify(string path)
    {
        using var stream = File.OpenRead(path);
        return BundleVerifier.Verify(stream);
    }

    private static Dictionary<string, byte[]> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }, StringComparer.Ordinal);
    }

    private static JsonElement Sales(Dictionary<string, byte[]> entries) => JsonDocument.Parse(entries[BundleLayout.SalesAwardJson]).RootElement;

    /// <summary>The 1-based line of <paramref name="file"/> that contains <paramref name="text"/> (exactly one does).</summary>
    private static int LineOf(string path, string file, string text)
    {
        var lines = Encoding.UTF8.GetString(Entries(path)[file]).Split('\n');
        return Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal)) is var i and >= 0 ? i + 1 : throw new InvalidOperationException($"{text} not in {file}");
    }
}
