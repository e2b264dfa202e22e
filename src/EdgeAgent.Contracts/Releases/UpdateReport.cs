namespace EdgeAgent.Contracts.Releases;

/// <summary>
/// The states of the device's update state machine, in the spelling the <c>model.update</c> records carry (the record's
/// <c>state</c> is the state entered). <see cref="Committed"/> and <see cref="Failed"/> end an update: committed means
/// the new version serves, failed means the previous one does (the record's <c>rolled_back</c> says whether it had been
/// activated and was taken back).
/// </summary>
public static class UpdateStates
{
    public const string Idle = "idle";
    public const string Downloading = "downloading";
    public const string Verifying = "verifying";
    public const string Staging = "staging";
    public const string Activating = "activating";
    public const string Probation = "probation";
    public const string Committed = "committed";
    public const string RollingBack = "rolling_back";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Idle, Downloading, Verifying, Staging, Activating, Probation, Committed, RollingBack, Failed];
}

/// <summary>
/// The reasons an update fails, as <c>model.update</c> records carry them in <c>reason</c> (with a human <c>detail</c>);
/// the release refusals of <see cref="ReleaseRefusals"/> are reasons too.
/// </summary>
public static class UpdateFailures
{
    public const string Download = "download.failed";
    public const string DiskFull = "disk.insufficient";
    public const string HashMismatch = "hash.mismatch";
    public const string Incompatible = "release.incompatible";
    public const string SelfTest = "selftest.failed";
    public const string Activation = "activation.failed";
    public const string ProbationErrors = "probation.errors";
    public const string ProbationLatency = "probation.latency";
    public const string ProbationDrift = "probation.drift";
    public const string BootLoop = "boot.loop";
    public const string Ordered = "rollback.ordered";
}
