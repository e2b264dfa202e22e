using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// Writes an evidence bundle (BUNDLE.md) for one product: every enrolled device of it with its whole chain as stored
/// (records byte for byte, tombstones), when the hub received each record, the checkpoints the device signed, the key the
/// hub enrolled, the caller's attachments, and a manifest of it all signed with the hub's evidence key. Written to a temporary file and moved into
/// place, so a bundle at the path is always whole.
/// </summary>
internal static class BundleWriter
{
    public static BundleSummary Write(
        HubStore store, string productId, int year, ECDsa hubKey, DateTimeOffset createdAt, IReadOnlyList<BundleAttachment> attachments, string path,
        IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hubKey);
        ArgumentNullException.ThrowIfNull(attachments);
        var devices = store.Devices().Where(d => d.ProductId == productId).ToList();
        var certificates = new Identity.IdentityRecords(store).Certificates().ToLookup(c => c.DeviceId, StringComparer.Ordinal);
        var files = new List<(BundleFile Entry, byte[] Content)>();
        var manifestDevices = new List<BundleDevice>();
        long records = 0, tombstones = 0;
        var checkpointCount = 0;
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            var entries = new MemoryStream();
            var received = new StringBuilder(BundleLayout.ReceivedHeader).Append('\n');
            var head = ChainHead.Genesis;
            foreach (var row in store.Records(device.DeviceId, 1))
            {
                if (row.Payload is { } payload)
                {
                    entries.Write(payload);
                    received.Append(CultureInfo.InvariantCulture, $"{row.Seq},{row.ReceivedAtMs}\n");
                    records++;
                }
                else
                {
                    entries.Write(JsonSerializer.SerializeToUtf8Bytes(new BundleTombstoneLine { Dropped = new Tombstone { Seq = row.Seq, Hash = row.Hash } }, BundleCompact.Default.BundleTombstoneLine));
                    tombstones++;
                }

                entries.WriteByte((byte)'\n');
                head = new ChainHead(row.Seq, row.Hash);
            }

            var checkpoints = store.Checkpoints(device.DeviceId);
            checkpointCount += checkpoints.Count;
            files.Add(File(BundleLayout.DeviceKey(device.DeviceId), Encoding.UTF8.GetBytes(device.PublicKeyPem), lineDigests: false));
            files.Add(File(BundleLayout.Entries(device.DeviceId), entries.ToArray(), lineDigests: false));
            files.Add(File(BundleLayout.Checkpoints(device.DeviceId), JsonSerializer.SerializeToUtf8Bytes(checkpoints, BundleJsonContext.Default.IReadOnlyListCheckpoint), lineDigests: false));
            if (certificates[device.DeviceId].ToList() is { Count: > 0 } issued)
            {
                files.Add(File(BundleLayout.Certificates(device.DeviceId), Encoding.ASCII.GetBytes(string.Concat(issued.Select(c => c.CertificatePem.TrimEnd() + "\n"))), lineDigests: false));
            }
            files.Add(File(BundleLayout.Received(device.DeviceId), Encoding.UTF8.GetBytes(received.ToString()), lineDigests: true));
            manifestDevices.Add(new BundleDevice
            {
                DeviceId = device.DeviceId, ProductId = device.ProductId, KeyId = device.KeyId, HeadSeq = head.Seq, HeadHash = head.Hash,
                BadSignatureBatches = store.ForeignSignatureBatches(device.DeviceId),
            });
            progress?.Report((i + 1, devices.Count));
        }

        var caPath = System.IO.Path.Combine(Identity.HubCertificateAuthority.DirectoryOf(store.Path), Identity.HubCertificateAuthority.CertificateFile);
        if (files.Any(f => f.Entry.Path.EndsWith("/certificates.pem", StringComparison.Ordinal)) && System.IO.File.Exists(caPath))
        {
            files.Add(File(BundleLayout.HubCa, System.IO.File.ReadAllBytes(caPath), lineDigests: false));
        }

        foreach (var attachment in attachments)
        {
            if (BundleLayout.IsEnvelope(attachment.Path) || attachment.Path.StartsWith("devices/", StringComparison.Ordinal) || files.Any(f => f.Entry.Path == attachment.Path))
            {
                throw new ArgumentException($"attachment path '{attachment.Path}' is taken by the bundle's own files", nameof(attachments));
            }

            files.Add(File(attachment.Path, attachment.Content, attachment.LineDigests));
        }

        var manifest = new BundleManifest
        {
            Format = BundleManifest.FormatName,
            Version = BundleManifest.CurrentVersion,
            CreatedMs = createdAt.ToUnixTimeMilliseconds(),
            Year = year,
            ProductId = productId,
            HubKeyId = HubEvidenceKey.KeyId(hubKey),
            Devices = manifestDevices,
            Files = files.Select(f => f.Entry).ToList(),
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJsonContext.Default.BundleManifest);
        var signature = Convert.ToBase64String(hubKey.SignData(manifestBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var full = System.IO.Path.GetFullPath(path);
        var temp = full + ".partial";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            {
                Add(zip, BundleLayout.Manifest, manifestBytes);
                Add(zip, BundleLayout.ManifestSignature, Encoding.ASCII.GetBytes(signature + "\n"));
                Add(zip, BundleLayout.HubKey, Encoding.ASCII.GetBytes(hubKey.ExportSubjectPublicKeyInfoPem() + "\n"));
                foreach (var (entry, content) in files)
                {
                    Add(zip, entry.Path, content);
                }
            }

            stream.Flush(flushToDisk: true);
        }

        System.IO.File.Move(temp, full, overwrite: true);
        return new BundleSummary(full, devices.Count, records, tombstones, checkpointCount, attachments.Count, new FileInfo(full).Length);
    }

    /// <summary>SHA-256 of each line of <paramref name="content"/> without its line ending (LF or CRLF); no entry after a final newline.</summary>
    public static IReadOnlyList<string> LineDigests(ReadOnlySpan<byte> content)
    {
        var digests = new List<string>();
        while (!content.IsEmpty)
        {
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            digests.Add(Convert.ToHexStringLower(SHA256.HashData(line)));
            content = end < 0 ? [] : content[(end + 1)..];
        }

        return digests;
    }

    private static (BundleFile, byte[]) File(string path, byte[] content, bool lineDigests) =>
        (new BundleFile { Path = path, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), Bytes = content.Length, Lines = lineDigests ? LineDigests(content) : null }, content);

    private static void Add(ZipArchive zip, string path, byte[] content)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // reproducible: the manifest carries the time
        using var stream = entry.Open();
        stream.Write(content);
    }
}

/// <summary>One-line JSON for the entries file's tombstones.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(BundleTombstoneLine))]
internal sealed partial class BundleCompact : System.Text.Json.Serialization.JsonSerializerContext;
