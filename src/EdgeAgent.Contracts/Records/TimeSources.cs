namespace EdgeAgent.Contracts.Records;

/// <summary>Where a record's wall time came from, most trusted first (EVIDENCE.md, "Time on devices without a real-time clock").</summary>
public static class TimeSources
{
    public const string Gnss = "gnss";
    public const string Ntp = "ntp";
    public const string Hub = "hub";
    public const string Rtc = "rtc";

    /// <summary>No wall clock: <c>wall_ms</c> is absent and only <c>boot</c> + <c>mono_ms</c> place the record.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [Gnss, Ntp, Hub, Rtc, None];
}
