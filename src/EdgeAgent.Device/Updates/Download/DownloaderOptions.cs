using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace EdgeAgent.Device.Updates.Download;

/// <summary>How release artifacts are fetched; bound from the <c>Updates:Download</c> section.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "RangeAttribute(typeof(TimeSpan), ...) converts its bounds with TimeSpan's intrinsic TypeConverter, which trimming keeps; the published NativeAOT agent rejects out-of-range values (README, Publish).")]
internal sealed class DownloaderOptions
{
    public const string Section = "Updates:Download";

    /// <summary>Bytes per second at most, so a model download does not starve the evidence link; 0 = no limit (default).</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Updates:Download:BandwidthLimit must be 0 (no limit) or a positive number of bytes per second")]
    public long BandwidthLimit { get; set; }

    /// <summary>Free disk to leave after the download, checked before the first byte. Default 16 MiB.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Updates:Download:MinFreeBytes must be 0 or more bytes")]
    public long MinFreeBytes { get; set; } = 16L << 20;

    /// <summary>Attempts in a row that bring no new byte before the download fails (an attempt that made progress resets the count). Default 8.</summary>
    [Range(1, 1000, ErrorMessage = "Updates:Download:Attempts must be between 1 and 1000")]
    public int Attempts { get; set; } = 8;

    /// <summary>The pause after the first failed attempt; it doubles after each further failure, up to 60 s. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Updates:Download:RetryDelay must be between 00:00:00 and 00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a read may wait for the next bytes before the attempt counts as dropped. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Updates:Download:ReadTimeout must be between 00:00:00.100 and 00:10:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
