using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;

namespace EdgeAgent.Hub.Web.Api;

/// <summary>
/// Report kinds sales-award, pilot and compute-voucher in every format of <see cref="EvidenceReports.Formats"/>: the
/// same computation and rendering as <c>edgehub report</c> (<see cref="EvidenceReports"/>), by the hub's policy profile
/// (<see cref="HubOptions.ReportProfile"/>), from one read snapshot of the database narrowed to the caller by
/// <see cref="ReportTenancy"/>. The year is required.
/// </summary>
internal sealed class EvidenceReportRenderer : IReportRenderer
{
    private static readonly ReportParameter[] Filters = [new("year", Required: true), new("product", Required: false)];

    private readonly HubOptions _options;
    private readonly TimeProvider _time;

    public EvidenceReportRenderer(HubOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public IReadOnlyList<ReportKind> Kinds { get; } =
    [
        new(SalesAward.Kind, "Sales-award evidence per enterprise and product for the invoices of the year: tiers A/B/C, exclusions, the award and its cap, the ranking, the reconciliation and the exceptions.",
            EvidenceReports.Formats, Filters),
        new(Pilot.Kind, "首台（套） pilot evidence per product and site for the year: unit order, timeline, observed hours, MTBF, MTTR, availability, fault Pareto, KPIs, documents and flags.",
            EvidenceReports.Formats, [.. Filters, new("site", Required: false)]),
        new(ComputeVoucher.Kind, "Compute-voucher usage per enterprise for the year: amounts per compute contract, rates and the city cap, recorded against invoiced calls.",
            EvidenceReports.Formats, Filters),
    ];

    public async Task<ReportFile> RenderAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Year is not { } year)
        {
            throw new ArgumentException($"year: required for the {request.Kind} report (e.g. year=2025)", nameof(request));
        }

        if (request.Site is not null && !EvidenceReports.HasSite(request.Kind))
        {
            throw new ArgumentException($"site: the {request.Kind} report has no site filter", nameof(request));
        }

        var caller = request.Scope.Caller;
        ReportTenancy.Demand(caller, request.Kind);
        var profile = PolicyLoader.Load(_options.ReportProfile);
        RawInputs raw;
        using (var store = HubStore.Open(_options.DatabasePath))
        {
            store.BeginRead();
            try
            {
                raw = new RawInputs(EvidenceReader.ReadTables(store), EvidenceReader.ReadDevices(store));
            }
            finally
            {
                store.EndRead();
            }
        }

        var inputs = ReportTenancy.Restrict(caller, request.Kind, raw).Assemble();
        if (request.Product is { } p && inputs.Registry.Products.All(x => x.ProductId != p))
        {
            throw new ArgumentException($"product '{p}' is not in the registry (allowed: {string.Join(", ", inputs.Registry.Products.Select(x => x.ProductId))})", nameof(request));
        }

        if (request.Site is { } s && inputs.Registry.Sites.All(x => x.SiteId != s))
        {
            throw new ArgumentException($"site '{s}' is not in the registry (allowed: {string.Join(", ", inputs.Registry.Sites.Select(x => x.SiteId))})", nameof(request));
        }

        var report = EvidenceReports.Compute(request.Kind, inputs, profile, year, request.Product, request.Site, _time.GetUtcNow());
        var bytes = await EvidenceReports.RenderAsync(report, request.Format, _options.Chromium, cancellationToken).ConfigureAwait(false);
        return new ReportFile(EvidenceReports.ContentType(request.Format), EvidenceReports.FileName(request.Kind, year, request.Format), bytes);
    }
}
