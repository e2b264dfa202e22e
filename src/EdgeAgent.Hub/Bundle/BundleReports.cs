using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// The reports an evidence bundle carries, for its year and product: what the export writes and what verify recomputes,
/// by the same call, so an honest bundle recomputes to the same bytes. The generation time is the manifest's
/// <c>created_ms</c> (the pilot report's service windows end there when it falls inside the year).
/// </summary>
internal static class BundleReports
{
    public static IReadOnlyList<(string Path, byte[] Content)> Compute(ReportInputs inputs, PolicyProfile profile, int year, string productId, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(profile);
        var sales = EvidenceReports.Compute(SalesAward.Kind, inputs, profile, year, productId, null, generatedAt);
        var pilot = EvidenceReports.Compute(Pilot.Kind, inputs, profile, year, productId, null, generatedAt);
        var voucher = EvidenceReports.Compute(ComputeVoucher.Kind, inputs, profile, year, productId, null, generatedAt);
        return
        [
            (BundleLayout.SalesAwardJson, EvidenceReports.Utf8(sales.Json)),
            (BundleLayout.SalesAwardHtml, EvidenceReports.Utf8(EvidenceReports.Text(sales, "html"))),
            (BundleLayout.PilotJson, EvidenceReports.Utf8(pilot.Json)),
            (BundleLayout.ComputeVoucherJson, EvidenceReports.Utf8(voucher.Json)),
        ];
    }

    /// <summary>The manifest's time as the reports use it (whole milliseconds).</summary>
    public static DateTimeOffset GeneratedAt(BundleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedMs);
    }
}
