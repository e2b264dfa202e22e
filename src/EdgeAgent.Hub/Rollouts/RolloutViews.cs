using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>One wave: its cumulative share and size, the devices first directed in it and how they stand.</summary>
/// <param name="Status"><c>pending</c> (not reached), <c>current</c> (directed, gate not yet passed) or <c>done</c>.</param>
internal sealed record WaveView(int Wave, decimal Percent, int Cumulative, int Devices, int Committed, int Failed, int InProgress, string Status);

internal sealed record ProbationView(int Calls, double MaxSeconds, double MaxErrorRate, double LatencyTolerance, double MaxDrift);

internal sealed record CampaignDeviceView(string DeviceId, int? Wave, string Status, string? Directive, bool DirectiveSent, string? Reason, string? Detail, bool RolledBack,
    string? Board, string? AgentVersion, string? Site, long? DirectedAtMs, long? UpdatedAtMs);

internal sealed record CampaignEventView(long AtMs, string State, int Wave, string Reason);

/// <summary>A campaign as the API, dashboard and <c>edgehub rollout status</c> show it; the list leaves out events and devices.</summary>
/// <param name="Counts">Devices per status: pending, directed (nothing reported yet) and each update state reported.</param>
internal sealed record CampaignView(
    string Id, string Name, string Version, string Sha256, string Target, string State, string Reason, int Wave, int TargetDevices, decimal MinSuccess,
    decimal HaltFailures, ProbationView Probation, long CreatedAtMs, long UpdatedAtMs, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<WaveView> Waves,
    IReadOnlyList<CampaignEventView>? Events = null, IReadOnlyList<CampaignDeviceView>? Devices = null);

/// <summary>Builds <see cref="CampaignView"/>s, and decides which campaigns and devices a caller may see.</summary>
internal static class RolloutViews
{
    /// <summary>The view of a campaign over <paramref name="devices"/> (all of its target set, or the part a caller may see).</summary>
    public static CampaignView View(CampaignRow c, IReadOnlyList<CampaignDeviceRow> devices, IReadOnlyList<CampaignEvent>? events, bool withDevices)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(devices);
        var counts = devices.GroupBy(d => d.Status, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var all = devices.Count;
        var sizes = RolloutPlan.CumulativeSizes(c.Waves, all);
        var waves = c.Waves.Select((p, i) =>
        {
            var n = i + 1;
            var mine = devices.Where(d => d.Wave == n).ToList();
            var status = n > c.Wave ? "pending" : n < c.Wave || c.State == CampaignStates.Completed ? "done" : "current";
            return new WaveView(n, p, sizes[i], mine.Count, mine.Count(d => d.State == UpdateStates.Committed), mine.Count(d => d.State == UpdateStates.Failed),
                mine.Count(d => d.State is not (UpdateStates.Committed or UpdateStates.Failed)), status);
        }).ToList();
        var probation = new ProbationView(c.Probation.Calls, c.Probation.MaxSeconds, c.Probation.MaxErrorRate, c.Probation.LatencyTolerance, c.Probation.MaxDrift);
        return new CampaignView(c.Id, c.Name, c.Version, c.Sha256, c.Target.ToString(), c.State, c.Reason, c.Wave, all, c.MinSuccess, c.HaltFailures, probation,
            c.CreatedAtMs, c.UpdatedAtMs, counts, waves,
            events?.Select(e => new CampaignEventView(e.AtMs, e.State, e.Wave, e.Reason)).ToList(),
            withDevices ? [.. devices.Select(d => new CampaignDeviceView(d.DeviceId, d.Wave, d.Status, d.Directive, d.DirectiveSent, d.Reason, d.Detail, d.RolledBack, d.Board, d.AgentVersion, d.Site, d.DirectedAtMs, d.UpdatedAtMs))] : null);
    }

    /// <summary>
    /// Whether a caller may see a campaign: admin and auditor every one; a product team those of its enterprise's
    /// products; a pilot site those with a device at its site (and then only those devices).
    /// </summary>
    public static bool Visible(HubStore store, DeviceScope scope, CampaignRow campaign, RolloutStore rollouts)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(rollouts);
        return scope.All || (scope.CanSeeProduct(store, campaign.Target.Product) && rollouts.Devices(campaign.Id, scope).Count > 0);
    }
}
