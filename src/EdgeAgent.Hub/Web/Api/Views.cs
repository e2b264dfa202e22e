using System.Text.Json;

namespace EdgeAgent.Hub.Web.Api;

// The REST API's response bodies (snake_case on the wire).

internal sealed record SessionView(string User, string Role, string? Org, string? Site);

internal sealed record LoginRequest(string? User, string? Password);

internal sealed record NewAccountRequest(string? User, string? Role, string? Org, string? Site, string? Password);

internal sealed record AccountView(string User, string Role, string? Org, string? Site, bool Disabled, long CreatedAtMs);

internal sealed record DayCount(string Day, long Count);

internal sealed record FaultCounts(long Raised, long Relevant, long Cleared);

internal sealed record IntegrityFailures(long Total, IReadOnlyDictionary<string, long> PerReason);

/// <summary>The fleet overview; <see cref="DevicesOnline"/> counts devices heard from (a record or a rejected input) within <see cref="OnlineWindowMinutes"/>.</summary>
internal sealed record FleetOverview(
    long DevicesEnrolled,
    long DevicesOnline,
    int OnlineWindowMinutes,
    long Records,
    IReadOnlyList<DayCount> ActivationsPerDay,
    long ActivationsTimeUnknown,
    double OperatingHours,
    FaultCounts Faults,
    IntegrityFailures IntegrityFailures,
    long GeneratedAtMs);

internal sealed record DeviceSummary(string DeviceId, string ProductId, string? EnterpriseId, string? Site, long EnrolledAtMs, long Records, long HeadSeq, long? LastSeenMs, bool Online);

internal sealed record PlacedTime(string Status, long? EstMs, long? LoMs, long? HiMs);

internal sealed record TimeQuality(IReadOnlyDictionary<string, long> TimeSources, IReadOnlyDictionary<string, long> Placement);

internal sealed record ClockSyncView(long Seq, long Boot, long? HubMs, long? OffsetMs, long? ErrMs, long ReceivedAtMs);

internal sealed record ModelVersion(string Digest, long FirstSeq, long LastSeq, long Records, PlacedTime? FirstTime, PlacedTime? LastTime);

internal sealed record ModelChange(long Seq, PlacedTime Time, JsonElement Data);

internal sealed record DeviceDetail(
    DeviceSummary Device,
    string KeyId,
    TimeQuality TimeQuality,
    ClockSyncView? LastClockSync,
    IReadOnlyList<ModelVersion> ModelVersions,
    IReadOnlyList<ModelChange> ModelChanges,
    long Rejections);

/// <summary>One chain entry; a tombstone (dropped telemetry) has type <c>dropped</c> and no time or data.</summary>
internal sealed record TimelineEntry(long Seq, string Type, long Boot, long MonoMs, PlacedTime? Time, string Hash, long ReceivedAtMs, JsonElement? Data);

internal sealed record TimelinePage(string DeviceId, long From, int Limit, IReadOnlyList<TimelineEntry> Entries, long? NextFrom);

internal sealed record RejectionView(long Id, string DeviceId, long Seq, string Reason, string Detail, string Topic, long ReceivedAtMs);

internal sealed record RejectionsView(IReadOnlyDictionary<string, long> PerReason, IReadOnlyList<RejectionView> Latest);
