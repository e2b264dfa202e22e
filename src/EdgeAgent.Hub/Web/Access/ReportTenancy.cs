using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Web.Access;

/// <summary>
/// The one place that decides which evidence report (<see cref="EvidenceReports.Kinds"/>) a caller may have and over
/// what it is computed: admin and auditor any kind over everything; a product team any kind over its enterprise's own
/// inputs only (<see cref="TenantInputs.ForEnterprise"/>); a pilot site only the pilot report, over the units at its site
/// (<see cref="TenantInputs.ForSite"/>). The inputs are narrowed before anything is computed, so the report's figures,
/// exceptions, reconciliation, input digests and integrity roots hold nothing of another tenant. Other report kinds
/// (records, rejections) read through the caller's <see cref="DeviceScope"/> instead.
/// </summary>
internal static class ReportTenancy
{
    /// <summary>Whether the caller may ask for a report of this kind at all (what <c>GET /api/v1/reports</c> lists for it).</summary>
    public static bool MayRequest(Caller caller, string kind)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role != Roles.Site || !EvidenceReports.Kinds.Contains(kind) || kind == Pilot.Kind;
    }

    /// <summary>Refuses a kind the caller may not have (before anything is read).</summary>
    /// <exception cref="UnauthorizedAccessException">The caller may not have this kind; the message says why.</exception>
    public static void Demand(Caller caller, string kind)
    {
        if (!MayRequest(caller, kind))
        {
            throw new UnauthorizedAccessException($"role {caller.Role} may have only the {Pilot.Kind} report of its own site, not {kind}");
        }
    }

    /// <summary>The caller's share of the raw inputs of an evidence report of <paramref name="kind"/>.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller may not have this kind; the message says why.</exception>
    public static RawInputs Restrict(Caller caller, string kind, RawInputs raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Demand(caller, kind);
        return caller.Role switch
        {
            Roles.Admin or Roles.Auditor => raw,
            Roles.Product when caller.OrgId is { } org => TenantInputs.ForEnterprise(raw, org),
            Roles.Site when caller.SiteId is { } site => TenantInputs.ForSite(raw, site),
            _ => throw new UnauthorizedAccessException($"role {caller.Role} has no report access"),
        };
    }
}
