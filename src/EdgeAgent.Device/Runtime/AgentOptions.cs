using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using EdgeAgent.Device.Cli;

namespace EdgeAgent.Device.Runtime;

/// <summary>Where the agent keeps its state and what it knows of its clock; bound from the <c>Agent</c> section.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "RangeAttribute(typeof(TimeSpan), ...) converts its bounds with TimeSpan's intrinsic TypeConverter, which trimming keeps; the published NativeAOT agent rejects out-of-range values (README, Publish).")]
internal sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Key, identity, outbox and status file (default: $EDGEAGENT_STATE_DIR, else /var/lib/edgeagent).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Agent:StateDirectory must name a directory")]
    public string StateDirectory { get; set; } = Environment.GetEnvironmentVariable(ProvisionCommand.StateVariable) ?? ProvisionCommand.InstalledStateDirectory;

    /// <summary>Coarse region code written with the activation (six digits, GB/T 2260), never a position.</summary>
    [RegularExpression("^[0-9]{6}$", ErrorMessage = "Agent:Region must be a six-digit region code such as 330106")]
    public string? Region { get; set; }

    /// <summary>
    /// The pilot site this unit is installed at (a <c>site_id</c> of the hub's registry). When set, and not the site the
    /// unit was last commissioned at, the start writes a <c>deployment.commissioned</c> record naming it.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Agent:Site must be a site id of the hub's registry: 1-64 of A-Z a-z 0-9 . _ -")]
    public string? Site { get; set; }

    /// <summary>
    /// How far the system clock is trusted: <c>auto</c> (ntp when systemd-timesyncd reports it synchronised, else none),
    /// <c>none</c> (only the hub's clock-sync anchor), <c>ntp</c>, <c>gnss</c> or <c>rtc</c>.
    /// </summary>
    [AllowedValues("auto", "none", "ntp", "gnss", "rtc", ErrorMessage = "Agent:SystemClock must be one of auto, none, ntp, gnss, rtc")]
    public string SystemClock { get; set; } = "auto";

    /// <summary>How often the status (read by <c>edgeagent status</c>) is looked at; the file is rewritten when it changed, and at least every 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Agent:StatusInterval must be between 00:00:00.100 and 00:10:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Have the kernel reclaim the clean pages of code and constant data that only the start touched, 10 s after the models loaded and after
    /// each model change (<see cref="StartupPages"/>). Default true; false keeps them resident.
    /// </summary>
    public bool ReleaseStartupPages { get; set; } = true;

    public string OutboxPath => Path.Combine(StateDirectory, "outbox.db");

    public string StatusPath => Path.Combine(StateDirectory, "status.json");

    /// <summary>Present while the agent runs; found at start, it means the last run ended without a clean stop.</summary>
    public string RunningMarkerPath => Path.Combine(StateDirectory, "running");
}

/// <summary>How often usage is written down; bound from the <c>Usage</c> section.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "RangeAttribute(typeof(TimeSpan), ...) converts its bounds with TimeSpan's intrinsic TypeConverter, which trimming keeps; the published NativeAOT agent rejects out-of-range values (README, Publish).")]
internal sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>A <c>usage.summary</c> record every this often, and one at shutdown. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Usage:SummaryInterval must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the outbox's telemetry caps are enforced and any drop written down. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Usage:BudgetInterval must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan BudgetInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The models the agent runs and on what; bound from the <c>Models</c> section.</summary>
internal sealed class ModelsOptions : IValidatableObject
{
    public const string Section = "Models";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Models:Catalog must name the model catalog file")]
    public string Catalog { get; set; } = CatalogOptions.DefaultCatalog();

    /// <summary>Where fetched model files live (default: .cache beside the catalog).</summary>
    public string? Cache { get; set; }

    [Range(0, 256, ErrorMessage = "Models:Threads must be between 0 and 256")]
    public int Threads { get; set; } = 1;

    /// <summary>Each pipeline runs one model family over the files of an input (a directory or file), again and again.</summary>
    public List<PipelineSpec> Pipelines { get; set; } = [];

    public string CacheDirectory => Cache ?? Environment.GetEnvironmentVariable(CatalogOptions.CacheVariable) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Catalog)) ?? ".", ".cache");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Pipelines.Count; i++)
        {
            var p = Pipelines[i];
            if (string.IsNullOrWhiteSpace(p.Model))
            {
                yield return new ValidationResult($"Models:Pipelines:{i}:Model must name a catalog model (silero-vad, blazeface or ppocr)");
            }

            if (p.Source is not null)
            {
                if (!string.IsNullOrEmpty(p.Input))
                {
                    yield return new ValidationResult($"Models:Pipelines:{i}: give Input (sample files) or Source (a camera or microphone of the product profile), not both");
                }
            }
            else if (string.IsNullOrWhiteSpace(p.Input) || (!File.Exists(p.Input) && !Directory.Exists(p.Input)))
            {
                yield return new ValidationResult($"Models:Pipelines:{i}:Input '{p.Input}' must be an existing file or directory (or give Source, a camera or microphone of the product profile)");
            }

            if (p.Interval < TimeSpan.Zero || p.Interval > TimeSpan.FromHours(1))
            {
                yield return new ValidationResult($"Models:Pipelines:{i}:Interval must be between 00:00:00 and 01:00:00");
            }
        }
    }
}

/// <summary>
/// One pipeline: a model family over sample files (<see cref="Input"/>, again and again) or over a live source of the
/// product profile (<see cref="Source"/>: its camera or microphone, or their replay). With a product profile and no
/// pipelines configured, the profile's pipelines run.
/// </summary>
internal sealed class PipelineSpec
{
    public string Model { get; set; } = "";

    public string Input { get; set; } = "";

    /// <summary>A camera or microphone sensor id of the product profile (<c>Hardware:Product</c>).</summary>
    public string? Source { get; set; }

    /// <summary>Pause between two frames of sample files (a live source sets its own pace). Default 1 second.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}
