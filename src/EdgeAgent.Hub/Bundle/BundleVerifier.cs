using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Bundle;

/// <summary>One thing in a bundle that does not check out, at the file (and line, and seq) where it shows.</summary>
/// <param name="Line">1-based line in <paramref name="Path"/>, 0 for the whole file.</param>
/// <param name="Seq">The record's seq, 0 when the finding is not about one record.</param>
internal sealed record BundleFinding(string Path, int Line, long Seq, string Reason, string Detail)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{Path}:{Line}" : Path;
        var seq = Seq > 0 ? $" (seq {Seq})" : "";
        return $"{where}{seq}: {Reason}: {Detail}";
    }
}

/// <summary>What <see cref="BundleVerifier.Verify"/> found; <see cref="IsValid"/> when everything checked out.</summary>
internal sealed record BundleVerification(BundleManifest? Manifest, int Devices, long Records, long Tombstones, int Checkpoints, IReadOnlyList<BundleFinding> Findings)
{
    public bool IsValid => Findings.Count == 0;

    /// <summary>How many of the bundle's reports were recomputed from its inputs and compared.</summary>
    public int ReportsRecomputed { get; init; }
}

/// <summary>
/// Checks an evidence bundle offline, trusting nothing in it but what signatures prove: the manifest against the hub key
/// (the pinned one if given), every file and line against the manifest, each device's key against the key the hub
/// enrolled, every record's link in its device's chain from the first, and every checkpoint's signature, which must
/// reach the chain's last entry; then it recomputes the bundled reports from the bundle's inputs
/// (<see cref="BundleRecompute"/>). Every finding names the file, line and seq, or the report and its JSON path.
/// </summary>
internal static class BundleVerifier
{
    public const string ManifestSignatureReason = "manifest_signature";
    public const string MissingFile = "missing_file";
    public const string UnexpectedFile = "unexpected_file";
    public const string FileDigest = "file_digest";
    public const string LineDigest = "line_digest";
    public const string KeyMismatch = "key_mismatch";
    public const string HubKeyMismatch = "hub_key_mismatch";
    public const string UnsignedTail = "unsigned_tail";
    public const string HeadMismatch = "head_mismatch";
    public const string CertificateMismatch = "certificate_mismatch";

    public static BundleVerification Verify(Stream bundle, ECDsa? pinnedHubKey = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var findings = new List<BundleFinding>();
        using var zip = new ZipArchive(bundle, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, ReadAll, StringComparer.Ordinal);

        if (!entries.TryGetValue(BundleLayout.Manifest, out var manifestBytes) || !entries.TryGetValue(BundleLayout.ManifestSignature, out var signatureBytes)
            || !entries.TryGetValue(BundleLayout.HubKey, out var hubKeyBytes))
        {
            findings.Add(new BundleFinding(BundleLayout.Manifest, 0, 0, MissingFile, $"a bundle holds {BundleLayout.Manifest}, {BundleLayout.ManifestSignature} and {BundleLayout.HubKey}; this is not an edgehub evidence bundle"));
            return new BundleVerification(null, 0, 0, 0, 0, findings);
        }

        using var embeddedHubKey = ReadPublicKey(hubKeyBytes);
        if (embeddedHubKey is null)
        {
            findings.Add(new BundleFinding(BundleLayout.HubKey, 0, 0, RejectionReasons.Malformed, "not an EC P-256 public key in PEM"));
        }
        else if (pinnedHubKey is not null && Checkpoint.KeyIdOf(pinnedHubKey) != Checkpoint.KeyIdOf(embeddedHubKey))
        {
            findings.Add(new BundleFinding(BundleLayout.HubKey, 0, 0, HubKeyMismatch, $"the bundle's hub key {Checkpoint.KeyIdOf(embeddedHubKey)} is not the pinned hub key {Checkpoint.KeyIdOf(pinnedHubKey)}"));
        }

        var verifyingKey = pinnedHubKey ?? embeddedHubKey;
        if (verifyingKey is not null && !VerifyManifest(verifyingKey, manifestBytes, signatureBytes))
        {
            findings.Add(new BundleFinding(BundleLayout.ManifestSignature, 0, 0, ManifestSignatureReason, $"the manifest is not signed by hub key {Checkpoint.KeyIdOf(verifyingKey)}: it was changed after the hub signed it, or another key signed it"));
        }

        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(manifestBytes, BundleJsonContext.Default.BundleManifest);
        }
        catch (JsonException e)
        {
            findings.Add(new BundleFinding(BundleLayout.Manifest, 0, 0, RejectionReasons.Malformed, e.Message));
            return new BundleVerification(null, 0, 0, 0, 0, findings);
        }

        if (manifest is null || manifest.Format != BundleManifest.FormatName || manifest.Version != BundleManifest.CurrentVersion)
        {
            findings.Add(new BundleFinding(BundleLayout.Manifest, 0, 0, RejectionReasons.SchemaVersion, $"expected format {BundleManifest.FormatName} version {BundleManifest.CurrentVersion}"));
            return new BundleVerification(manifest, 0, 0, 0, 0, findings);
        }

        var changedDeviceFiles = CheckFiles(manifest, entries, findings);
        long records = 0, tombstones = 0;
        var checkpoints = 0;
        foreach (var device in manifest.Devices)
        {
            var (r, t, c) = CheckDevice(device, entries, findings);
            records += r;
            tombstones += t;
            checkpoints += c;
        }

        // A device file whose change the checks above did not explain (say, a reformatted checkpoint list) still differs from what was signed.
        foreach (var path in changedDeviceFiles.Where(p => !findings.Any(f => f.Path == p)))
        {
            findings.Add(new BundleFinding(path, 0, 0, FileDigest, "the file is not the one the hub signed"));
        }

        // The reports, recomputed from what the bundle holds (checked or not), figure by figure.
        var reports = BundleRecompute.Check(manifest, entries, findings);
        return new BundleVerification(manifest, manifest.Devices.Count, records, tombstones, checkpoints, findings) { ReportsRecomputed = reports };
    }

    /// <summary>Checks every listed file's digest; returns the changed device files, whose findings the device checks make more exactly.</summary>
    private static List<string> CheckFiles(BundleManifest manifest, Dictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        var changedDeviceFiles = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            listed.Add(file.Path);
            if (!entries.TryGetValue(file.Path, out var content))
            {
                findings.Add(new BundleFinding(file.Path, 0, 0, MissingFile, "listed in the manifest, absent from the bundle"));
                continue;
            }

            if (Convert.ToHexStringLower(SHA256.HashData(content)) == file.Sha256)
            {
                continue;
            }

            if (file.Lines is { } expected)
            {
                var actual = BundleWriter.LineDigests(content);
                for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
                {
                    if (i >= actual.Count || i >= expected.Count || actual[i] != expected[i])
                    {
                        var detail = i >= actual.Count ? "line removed" : i >= expected.Count ? "line added" : "the line is not the one the hub signed";
                        findings.Add(new BundleFinding(file.Path, i + 1, 0, LineDigest, detail));
                    }
                }
            }
            else if (file.Path.StartsWith("devices/", StringComparison.Ordinal))
            {
                changedDeviceFiles.Add(file.Path);
            }
            else
            {
                findings.Add(new BundleFinding(file.Path, 0, 0, FileDigest, $"SHA-256 {Convert.ToHexStringLower(SHA256.HashData(content))[..16]}... is not the {file.Sha256[..16]}... the hub signed"));
            }
        }

        foreach (var path in entries.Keys.Where(p => !BundleLayout.IsEnvelope(p) && !listed.Contains(p)).Order(StringComparer.Ordinal))
        {
            findings.Add(new BundleFinding(path, 0, 0, UnexpectedFile, "not listed in the manifest the hub signed"));
        }

        return changedDeviceFiles;
    }

    private static (long Records, long Tombstones, int Checkpoints) CheckDevice(BundleDevice device, Dictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        var keyPath = BundleLayout.DeviceKey(device.DeviceId);
        var entriesPath = BundleLayout.Entries(device.DeviceId);
        var checkpointsPath = BundleLayout.Checkpoints(device.DeviceId);
        using var key = entries.TryGetValue(keyPath, out var keyBytes) ? ReadPublicKey(keyBytes) : null;
        var keyTrusted = key is not null && Checkpoint.KeyIdOf(key) == device.KeyId;
        if (key is null)
        {
            findings.Add(new BundleFinding(keyPath, 0, 0, RejectionReasons.Malformed, "absent or not an EC P-256 public key in PEM"));
        }
        else if (!keyTrusted)
        {
            findings.Add(new BundleFinding(keyPath, 0, 0, KeyMismatch, $"key {Checkpoint.KeyIdOf(key)} is not the key {device.KeyId} the hub enrolled for {device.DeviceId}; its checkpoints are not checked against it"));
        }

        CheckCertificates(device, entries, findings);

        // The chain, from the first record.
        var hashes = new Dictionary<long, string>();
        var head = ChainHead.Genesis;
        long records = 0, tombstones = 0;
        var unreadable = 0;
        var lines = entries.TryGetValue(entriesPath, out var chain) ? SplitLines(chain) : [];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (line.AsSpan().StartsWith("{\"dropped\":"u8))
            {
                BundleTombstoneLine? tombstone = null;
                try
                {
                    tombstone = JsonSerializer.Deserialize(line, BundleCompact.Default.BundleTombstoneLine);
                }
                catch (JsonException)
                {
                }

                if (tombstone?.Dropped is not { } t || t.Seq != head.Seq + 1)
                {
                    findings.Add(new BundleFinding(entriesPath, number, tombstone?.Dropped?.Seq ?? 0, tombstone is null ? RejectionReasons.Malformed : RejectionReasons.Gap, $"a dropped entry must be seq {head.Seq + 1}"));
                    continue;
                }

                head = new ChainHead(t.Seq, t.Hash);
                hashes[t.Seq] = t.Hash;
                tombstones++;
                continue;
            }

            if (!RecordCodec.TryDecode(line, out var record, out var problem))
            {
                // Taken as the next entry, so the records after it are still checked against its (changed) bytes.
                findings.Add(new BundleFinding(entriesPath, number, head.Seq + 1, RejectionReasons.Malformed, problem!));
                head = new ChainHead(head.Seq + 1, RecordCodec.Hash(line));
                unreadable = number;
                continue;
            }

            if (record!.DeviceId != device.DeviceId || record.ProductId != device.ProductId)
            {
                findings.Add(new BundleFinding(entriesPath, number, record.Seq, RejectionReasons.WrongTopic, $"a record of {record.ProductId}/{record.DeviceId} in the chain of {device.ProductId}/{device.DeviceId}"));
                continue;
            }

            var hash = RecordCodec.Hash(line);
            switch (Chain.Link(head, record))
            {
                case LinkOutcome.AtOrBelowHead:
                    findings.Add(new BundleFinding(entriesPath, number, record.Seq, RejectionReasons.Replay, $"seq {record.Seq} comes after seq {head.Seq}"));
                    continue;
                case LinkOutcome.Gap:
                    findings.Add(new BundleFinding(entriesPath, number, record.Seq, RejectionReasons.Gap, $"seq {record.Seq} follows seq {head.Seq}: {record.Seq - head.Seq - 1} entr(ies) missing"));
                    break;
                case LinkOutcome.BrokenChain when unreadable == number - 1:
                    break; // already reported as unreadable
                case LinkOutcome.BrokenChain:
                    // The record before this one is not the one this record was linked to: that one was changed.
                    findings.Add(new BundleFinding(entriesPath, number - 1, head.Seq, RejectionReasons.BrokenChain, $"its bytes hash to {head.Hash[..16]}..., but seq {record.Seq} names {record.Prev[..16]}... as its predecessor: the record was changed"));
                    break;
            }

            head = new ChainHead(record.Seq, hash);
            hashes[record.Seq] = hash;
            records++;
        }

        if (head.Seq != device.HeadSeq || head.Hash != device.HeadHash)
        {
            findings.Add(new BundleFinding(entriesPath, lines.Count, head.Seq, HeadMismatch, $"the chain ends at seq {head.Seq} ({head.Hash[..16]}...), the manifest at seq {device.HeadSeq} ({device.HeadHash[..Math.Min(16, device.HeadHash.Length)]}...)"));
        }

        // The checkpoints: each signed by the enrolled key over an entry of this chain; the last reaches the head.
        IReadOnlyList<Checkpoint> checkpoints = [];
        try
        {
            checkpoints = entries.TryGetValue(checkpointsPath, out var c) ? JsonSerializer.Deserialize(c, BundleJsonContext.Default.IReadOnlyListCheckpoint) ?? [] : [];
        }
        catch (JsonException e)
        {
            findings.Add(new BundleFinding(checkpointsPath, 0, 0, RejectionReasons.Malformed, e.Message));
        }

        var signedTo = 0L;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var checkpoint = checkpoints[i];
            if (!hashes.TryGetValue(checkpoint.Seq, out var held) || held != checkpoint.Hash)
            {
                findings.Add(new BundleFinding(checkpointsPath, 0, checkpoint.Seq, RejectionReasons.BadSignature, $"checkpoint {i + 1} vouches for seq {checkpoint.Seq} with hash {checkpoint.Hash[..16]}..., which is not that entry of the chain{(held is null ? "" : $" ({held[..16]}...)")}"));
                continue;
            }

            if (keyTrusted && !checkpoint.VerifiedBy(key!, device.DeviceId))
            {
                findings.Add(new BundleFinding(checkpointsPath, 0, checkpoint.Seq, RejectionReasons.BadSignature, $"checkpoint {i + 1} is not signed by the device's enrolled key {device.KeyId}"));
                continue;
            }

            signedTo = Math.Max(signedTo, checkpoint.Seq);
        }

        if (head.Seq > signedTo && keyTrusted)
        {
            findings.Add(new BundleFinding(checkpointsPath, 0, signedTo + 1, UnsignedTail, $"entries {signedTo + 1}-{head.Seq} are not covered by any valid checkpoint of the device"));
        }

        return (records, tombstones, checkpoints.Count);
    }

    /// <summary>Each certificate issued to the device chains to the bundled hub CA, names the device and product, and holds the enrolled key.</summary>
    private static void CheckCertificates(BundleDevice device, Dictionary<string, byte[]> entries, List<BundleFinding> findings)
    {
        var path = BundleLayout.Certificates(device.DeviceId);
        if (!entries.TryGetValue(path, out var pem))
        {
            return;
        }

        using var ca = entries.TryGetValue(BundleLayout.HubCa, out var caPem) ? TryCertificate(Encoding.ASCII.GetString(caPem)) : null;
        if (ca is null)
        {
            findings.Add(new BundleFinding(BundleLayout.HubCa, 0, 0, MissingFile, "device certificates are bundled but the hub CA certificate they chain to is not"));
            return;
        }

        var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(Encoding.ASCII.GetString(pem));
        }
        catch (CryptographicException e)
        {
            findings.Add(new BundleFinding(path, 0, 0, RejectionReasons.Malformed, e.Message));
            return;
        }

        for (var i = 0; i < collection.Count; i++)
        {
            using var certificate = collection[i];
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = certificate.NotBefore.AddSeconds(1); // offline: whether the hub CA issued it, not whether it is current
            using var publicKey = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(certificate);
            var problem = !chain.Build(certificate) ? $"not issued by the bundled hub CA ({string.Join("; ", chain.ChainStatus.Select(c => c.StatusInformation.Trim()))})"
                : !Identity.HubCertificateAuthority.TryReadDevice(certificate, out var d, out var p) || d != device.DeviceId || p != device.ProductId ? $"names another device than {device.ProductId}/{device.DeviceId}"
                : publicKey is null || Checkpoint.KeyIdOf(publicKey) != device.KeyId ? $"holds another key than the enrolled {device.KeyId}"
                : null;
            if (problem is not null)
            {
                findings.Add(new BundleFinding(path, 0, 0, CertificateMismatch, $"certificate {i + 1} (serial {certificate.SerialNumber}) {problem}"));
            }
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? TryCertificate(string pem)
    {
        try
        {
            return System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool VerifyManifest(ECDsa key, byte[] manifest, byte[] signature)
    {
        var text = Encoding.ASCII.GetString(signature).Trim();
        var buffer = new byte[128];
        return Convert.TryFromBase64String(text, buffer, out var length)
            && key.VerifyData(manifest, buffer.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ECDsa? ReadPublicKey(byte[] pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(Encoding.ASCII.GetString(pem));
            if (key.KeySize == 256)
            {
                return key;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
        }

        key.Dispose();
        return null;
    }

    /// <summary>The lines of <paramref name="content"/> split at LF (no entry after a final newline).</summary>
    internal static List<byte[]> SplitLines(byte[] content)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == '\n')
            {
                lines.Add(content[start..i]);
                start = i + 1;
            }
        }

        if (start < content.Length)
        {
            lines.Add(content[start..]);
        }

        return lines;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
