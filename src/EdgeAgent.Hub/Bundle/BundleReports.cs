using System.Text;
using System.Text.Json;
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
        var header = new ReportHeaderFactory(profile, inputs.Inputs, generatedAt);
        var sales = SalesAward.Compute(inputs, profile, year, productId, header);
        var pilot = Pilot.Compute(inputs, profile, year, productId, null, generatedAt, header);
        var voucher = ComputeVoucher.Compute(inputs, profile, year, productId, header);
        return
        [
            (BundleLayout.SalesAwardJson, Utf8(JsonSerializer.Serialize(sales, ReportJsonContext.Default.SalesAwardReport))),
            (BundleLayout.SalesAwardHtml, Utf8(ReportRenderer.Html(ReportView.Of(sales)))),
            (BundleLayout.PilotJson, Utf8(JsonSerializer.Serialize(pilot, ReportJsonContext.Default.PilotReport))),
            (BundleLayout.ComputeVoucherJson, Utf8(JsonSerializer.Serialize(voucher, ReportJsonContext.Default.ComputeVoucherReport))),
        ];
    }

    /// <summary>The manifest's time as the reports use it (whole milliseconds).</summary>
    public static DateTimeOffset GeneratedAt(BundleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedMs);
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
