using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeAgent.Hub.Policy;

namespace EdgeAgent.Hub.Reports;

/// <summary>One computed evidence report: its kind, its JSON (the figures) and its view (tables and charts for CSV and HTML).</summary>
internal sealed record EvidenceReport(string Kind, string Json, ReportView View);

/// <summary>
/// The one place that turns inputs into an evidence report of a kind and a report into the bytes of a format: the CLI
/// (<c>edgehub report</c>), the auditor bundle and the REST API (Web/Api/EvidenceReportRenderer) all call it, so each
/// writes the same bytes for the same inputs, profile, filters and generation time.
/// </summary>
internal static class EvidenceReports
{
    public static readonly IReadOnlyList<string> Kinds = [SalesAward.Kind, Pilot.Kind, ComputeVoucher.Kind];

    public static readonly IReadOnlyList<string> Formats = ["html", "csv", "json", "pdf"];

    /// <summary>Whether the kind takes a site filter (the pilot report only).</summary>
    public static bool HasSite(string kind) => kind == Pilot.Kind;

    /// <summary>Computes the report; <paramref name="generatedAt"/> is its stated time and, for the pilot report, when service windows end.</summary>
    /// <exception cref="ArgumentException">Not a kind of <see cref="Kinds"/>, or a site filter for a kind without one.</exception>
    public static EvidenceReport Compute(string kind, ReportInputs inputs, PolicyProfile profile, int year, string? product, string? site, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(profile);
        if (!Kinds.Contains(kind))
        {
            throw new ArgumentException($"report kind '{kind}': one of {string.Join(", ", Kinds)}", nameof(kind));
        }

        if (site is not null && !HasSite(kind))
        {
            throw new ArgumentException($"site: the {kind} report has no site filter", nameof(site));
        }

        var header = new ReportHeaderFactory(profile, inputs.Inputs, generatedAt);
        return kind switch
        {
            SalesAward.Kind => Of(kind, SalesAward.Compute(inputs, profile, year, product, header), ReportJsonContext.Default.SalesAwardReport, ReportView.Of),
            Pilot.Kind => Of(kind, Pilot.Compute(inputs, profile, year, product, site, generatedAt, header), ReportJsonContext.Default.PilotReport, ReportView.Of),
            ComputeVoucher.Kind => Of(kind, ComputeVoucher.Compute(inputs, profile, year, product, header), ReportJsonContext.Default.ComputeVoucherReport, ReportView.Of),
            _ => throw new ArgumentException($"report kind '{kind}'", nameof(kind)),
        };
    }

    /// <summary>The text of a text format: json, csv or html.</summary>
    /// <exception cref="ArgumentException">Not json, csv or html.</exception>
    public static string Text(EvidenceReport report, string format)
    {
        ArgumentNullException.ThrowIfNull(report);
        return format switch
        {
            "json" => report.Json,
            "csv" => ReportRenderer.Csv(report.View),
            "html" => ReportRenderer.Html(report.View),
            _ => throw new ArgumentException($"format '{format}': json, csv or html (pdf: {nameof(RenderAsync)})", nameof(format)),
        };
    }

    /// <summary>The bytes of any format of <see cref="Formats"/>: the text formats as UTF-8 (no BOM), pdf as the HTML printed by <paramref name="chromium"/>.</summary>
    /// <exception cref="PdfException">The PDF could not be made.</exception>
    public static async Task<byte[]> RenderAsync(EvidenceReport report, string format, string chromium, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (format != "pdf")
        {
            return Utf8(Text(report, format));
        }

        var dir = Directory.CreateTempSubdirectory("edgehub-report-");
        try
        {
            var html = Path.Combine(dir.FullName, "report.html");
            var pdf = Path.Combine(dir.FullName, "report.pdf");
            await File.WriteAllTextAsync(html, Text(report, "html"), cancellationToken).ConfigureAwait(false);
            await ChromiumPdf.PrintAsync(html, pdf, chromium, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(pdf, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The file name a download of the report carries, e.g. <c>edgehub-sales-award-2025.pdf</c>.</summary>
    public static string FileName(string kind, int year, string format) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"edgehub-{kind}-{year}.{format}");

    public static string ContentType(string format) => format switch
    {
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => "application/pdf",
    };

    private static EvidenceReport Of<T>(string kind, T report, JsonTypeInfo<T> json, Func<T, ReportView> view) =>
        new(kind, JsonSerializer.Serialize(report, json), view(report));

    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
