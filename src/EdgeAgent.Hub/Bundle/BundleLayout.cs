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

    /// <summary>The certificates the hub CA issued the device (PEM, oldest first), when it enrolled with a token.</summary>
    public static string Certificates(string deviceId) => $"devices/{deviceId}/certificates.pem";

    /// <summary>The hub CA's certificate, which the device certificates chain to; present when any device has one.</summary>
    public const string HubCa = "hub-ca.pem";

    /// <summary>When the hub received each record of the device: <c>seq,received_at_ms</c> lines (the records do not carry it).</summary>
    public static string Received(string deviceId) => $"devices/{deviceId}/received.csv";

    public const string ReceivedHeader = "seq,received_at_ms";

    /// <summary>A registry table as import CSV.</summary>
    public static string Input(string table) => $"inputs/{table}.csv";

    public const string Profile = "inputs/profile.json";

    public const string SalesAwardJson = "report/sales-award.json";
    public const string SalesAwardHtml = "report/sales-award.html";
    public const string PilotJson = "report/pilot.json";
    public const string ComputeVoucherJson = "report/compute-voucher.json";

    /// <summary>The reports a bundle carries, all recomputed by verify.</summary>
    public static readonly IReadOnlyList<string> Reports = [SalesAwardJson, SalesAwardHtml, PilotJson, ComputeVoucherJson];

    /// <summary>The three files every bundle has outside the manifest's file list.</summary>
    public static bool IsEnvelope(string path) => path is Manifest or ManifestSignature or HubKey;
}

/// <summary>A file the bundle carries besides the device chains (imports, the profile, the report): its path and bytes.</summary>
/// <param name="LineDigests">Digest every line too, so a changed line is found by its number (CSV inputs).</param>
internal sealed record BundleAttachment(string Path, byte[] Content, bool LineDigests);

/// <summary>What <see cref="BundleWriter.Write"/> put in a bundle.</summary>
internal sealed record BundleSummary(string Path, int Devices, long Records, long Tombstones, int Checkpoints, int Attachments, long Bytes);
