using EdgeAgent.Hub.Web.Access;

namespace EdgeAgent.Hub.Web;

/// <summary>A query parameter a report kind takes (year, product, site), and whether it must be given.</summary>
internal sealed record ReportParameter(string Name, bool Required);

/// <summary>A report kind a renderer offers, with the formats it writes (e.g. csv, json, html, pdf; the first is the default) and the filters it takes.</summary>
internal sealed record ReportKind(string Kind, string Description, IReadOnlyList<string> Formats, IReadOnlyList<ReportParameter> Parameters);

/// <summary>
/// What <c>GET /api/v1/reports/{kind}</c> asks for. The route has already checked the caller's role and tenant (the
/// product and site are ones the caller may ask about); <see cref="Scope"/> is the caller's device scope, which a
/// renderer must apply to everything it reads.
/// </summary>
internal sealed record ReportRequest(string Kind, string Format, int? Year, string? Product, string? Site, DeviceScope Scope);

/// <summary>A rendered report: its content type, a file name for the download, and its bytes.</summary>
internal sealed record ReportFile(string ContentType, string FileName, byte[] Content);

/// <summary>
/// The seam between the REST API and whatever renders reports: every registered renderer lists its kinds, and the
/// reports route hands a request to the renderer of its kind. Register more with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IReportRenderer, T&gt;())</c>.
/// </summary>
internal interface IReportRenderer
{
    IReadOnlyList<ReportKind> Kinds { get; }

    /// <exception cref="ArgumentException">A parameter is missing or not valid for the kind; the message names it (400).</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not have this report; the message says why (403).</exception>
    Task<ReportFile> RenderAsync(ReportRequest request, CancellationToken cancellationToken);
}
