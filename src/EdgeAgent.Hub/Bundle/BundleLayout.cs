namespace EdgeAgent.Hub.Bundle;

/// <summary>Where things are inside an evidence bundle (BUNDLE.md).</summary>
internal static class BundleLayout
{
    public const string Manifest = "manifest.json";
    public const string ManifestSignature = "manifest.sig";
    public const string HubKey = "hub-key.pem";

    public static string DeviceKey(string deviceId) => $"devices/{deviceId}/public_key.pem";

    public static string Entries(string deviceId) => $"devices/{deviceId}/entries.ndjson";

    public static string Checkpoints(string deviceId) => $"devices/{deviceId}/checkpoints.json";

    /// <summary>The three files every bundle has outside the manifest's file list.</summary>
    public static bool IsEnvelope(string path) => path is Manifest or ManifestSignature or HubKey;
}

/// <summary>A file the bundle carries besides the device chains (imports, the profile, the report): its path and bytes.</summary>
/// <param name="LineDigests">Digest every line too, so a changed line is found by its number (CSV inputs).</param>
internal sealed record BundleAttachment(string Path, byte[] Content, bool LineDigests);

/// <summary>What <see cref="BundleWriter.Write"/> put in a bundle.</summary>
internal sealed record BundleSummary(string Path, int Devices, long Records, long Tombstones, int Checkpoints, int Attachments, long Bytes);
