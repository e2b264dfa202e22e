using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Outbox;

/// <summary>What changed in the disk budget since the last look.</summary>
public enum BudgetChange
{
    None,

    /// <summary>The outbox is (nearly) full: new telemetry is refused from now on. Write a <c>fault.raised</c>.</summary>
    Exhausted,

    /// <summary>It has room again. Write the matching <c>fault.cleared</c>.</summary>
    Recovered,
}

/// <summary>
/// Turns the outbox's depth into a fault that a site can see: when what the outbox holds comes within one record of
/// <see cref="OutboxOptions.MaxBytes"/>, new telemetry is refused (evidence is still kept), which is a fault of the
/// storage subsystem; it clears once the outbox is back under 90% of the budget (the gap keeps a budget on the edge
/// from raising and clearing at every look). The filesystem is watched the same way (<see cref="ObserveDisk"/>): a
/// disk too small for the budget is a fault of its own, <see cref="DiskFullCode"/>, with the outbox's own hysteresis
/// (<see cref="OutboxDepth.DiskFull"/>).
/// </summary>
public sealed class DiskBudgetWatch(OutboxOptions options)
{
    public const string FaultCode = "storage.budget_exhausted";

    /// <summary>The filesystem, not the budget, limits the outbox: telemetry is dropped or refused to keep room for evidence.</summary>
    public const string DiskFullCode = "storage.disk_full";

    private bool _exhausted;
    private bool _diskFull;

    /// <summary>Whether the outbox's filesystem turned full (<see cref="BudgetChange.Exhausted"/>) or has room again.</summary>
    public BudgetChange ObserveDisk(OutboxDepth depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        if (depth.DiskFull == _diskFull)
        {
            return BudgetChange.None;
        }

        _diskFull = depth.DiskFull;
        return _diskFull ? BudgetChange.Exhausted : BudgetChange.Recovered;
    }

    public BudgetChange Observe(OutboxDepth depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        var held = depth.EvidenceBytes + depth.TelemetryBytes;
        if (!_exhausted && held + RecordCodec.MaxRecordBytes > options.MaxBytes)
        {
            _exhausted = true;
            return BudgetChange.Exhausted;
        }

        if (_exhausted && held < options.MaxBytes / 10 * 9)
        {
            _exhausted = false;
            return BudgetChange.Recovered;
        }

        return BudgetChange.None;
    }
}
