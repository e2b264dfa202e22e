using System.Globalization;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>One device of a campaign as the decision sees it: its place in the target order, the wave it was directed in (null: not yet), the directive the hub wants it to have, and the update state it last reported (null: none).</summary>
internal sealed record DeviceOutcome(string DeviceId, int Position, int? Wave, string? Directive, string? State)
{
    public bool Directed => Wave is not null;

    public bool Finished => State is UpdateStates.Committed or UpdateStates.Failed;
}

/// <summary>What the decision reads: the campaign's state and current wave (0: none directed yet), its waves and gates, and every device of its target set.</summary>
internal sealed record CampaignSnapshot(string State, int Wave, IReadOnlyList<decimal> Waves, decimal MinSuccess, decimal HaltFailures, IReadOnlyList<DeviceOutcome> Devices);

/// <summary>
/// What to do: a new campaign state (with its reason), a new current wave, the devices to direct to install, and the
/// devices to direct to roll back. <see cref="None"/> when nothing changes.
/// </summary>
internal sealed record RolloutActions(string? NewState, int? NewWave, string? Reason, IReadOnlyList<string> Install, IReadOnlyList<string> Rollback)
{
    public static RolloutActions None { get; } = new(null, null, null, [], []);

    public bool IsNone => NewState is null && NewWave is null && Install.Count == 0 && Rollback.Count == 0;
}

/// <summary>
/// The campaign engine's decision, a pure function of a <see cref="CampaignSnapshot"/>, in this order:
/// <list type="number">
/// <item>Running or paused, and the failed devices are more than <c>--halt-failures</c> percent of the directed ones
/// (<see cref="RolloutPlan.CrossesHalt"/>): halt.</item>
/// <item>Halted or aborted: every directed device that has not failed and is not yet told to roll back is told to.</item>
/// <item>Paused: nothing more (nobody new is directed).</item>
/// <item>Running with no wave yet: direct wave 1.</item>
/// <item>Running, and some device of the current wave (those first directed in it) has not finished (committed or failed): wait.</item>
/// <item>Running, the current wave finished, and fewer than <c>--min-success</c> percent of its devices committed
/// (<see cref="RolloutPlan.PassesGate"/>): halt, since the campaign cannot advance.</item>
/// <item>Running, the current wave passed: the last wave completes the campaign; any other directs the next wave's new devices.</item>
/// </list>
/// </summary>
internal static class RolloutDecision
{
    public static RolloutActions Decide(CampaignSnapshot campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var directed = campaign.Devices.Where(d => d.Directed).ToList();
        var failed = directed.Count(d => d.State == UpdateStates.Failed);
        if (campaign.State is CampaignStates.Running or CampaignStates.Paused && RolloutPlan.CrossesHalt(failed, directed.Count, campaign.HaltFailures))
        {
            return Stop(campaign, CampaignStates.Halted,
                $"{failed} of {directed.Count} directed devices failed ({RolloutPlan.Percent(failed, directed.Count)}%), above --halt-failures {campaign.HaltFailures.ToString(CultureInfo.InvariantCulture)}%");
        }

        switch (campaign.State)
        {
            case CampaignStates.Halted or CampaignStates.Aborted:
                return RollbackDue(campaign) is { Count: > 0 } due ? new RolloutActions(null, null, null, [], due) : RolloutActions.None;
            case CampaignStates.Running:
                break;
            default:
                return RolloutActions.None;
        }

        var sizes = RolloutPlan.CumulativeSizes(campaign.Waves, campaign.Devices.Count);
        if (campaign.Wave == 0)
        {
            return Direct(campaign, 1, sizes[0]);
        }

        var wave = directed.Where(d => d.Wave == campaign.Wave).ToList();
        if (wave.Any(d => !d.Finished))
        {
            return RolloutActions.None;
        }

        var committed = wave.Count(d => d.State == UpdateStates.Committed);
        if (!RolloutPlan.PassesGate(committed, wave.Count, campaign.MinSuccess))
        {
            return Stop(campaign, CampaignStates.Halted,
                $"wave {campaign.Wave} finished with {committed} of {wave.Count} devices committed ({RolloutPlan.Percent(committed, wave.Count)}%), below --min-success {campaign.MinSuccess.ToString(CultureInfo.InvariantCulture)}%");
        }

        if (campaign.Wave >= campaign.Waves.Count)
        {
            var all = campaign.Devices.Count(d => d.State == UpdateStates.Committed);
            return new RolloutActions(CampaignStates.Completed, null, $"all {campaign.Waves.Count} waves done: {all} of {campaign.Devices.Count} devices committed", [], []);
        }

        return Direct(campaign, campaign.Wave + 1, sizes[campaign.Wave]);
    }

    /// <summary>Directs wave <paramref name="wave"/>: the not yet directed devices, in target order, up to its cumulative size.</summary>
    private static RolloutActions Direct(CampaignSnapshot campaign, int wave, int cumulative)
    {
        var directed = campaign.Devices.Count(d => d.Directed);
        var install = campaign.Devices.Where(d => !d.Directed).OrderBy(d => d.Position).Take(Math.Max(0, cumulative - directed)).Select(d => d.DeviceId).ToList();
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"wave {wave} of {campaign.Waves.Count} ({campaign.Waves[wave - 1]}%): {install.Count} more device(s), {directed + install.Count} of {campaign.Devices.Count} directed");
        return new RolloutActions(null, wave, reason, install, []);
    }

    private static RolloutActions Stop(CampaignSnapshot campaign, string state, string reason) => new(state, null, reason, [], RollbackDue(campaign));

    /// <summary>Directed devices that have not failed and are not yet told to roll back (an offline one finds the retained rollback in place of the install).</summary>
    private static List<string> RollbackDue(CampaignSnapshot campaign) =>
        [.. campaign.Devices.Where(d => d.Directed && d.State != UpdateStates.Failed && d.Directive != ModelDirective.Rollback).OrderBy(d => d.Position).Select(d => d.DeviceId)];
}
