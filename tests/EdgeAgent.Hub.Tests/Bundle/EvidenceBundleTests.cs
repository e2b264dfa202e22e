using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Bundle;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Bundle;

/// <summary>
/// The auditor's bundle: written from what real ingestion stored (two devices of the product, one of another, a
/// tombstone, several batches), it verifies offline; one changed byte of a record, a key, the manifest or an attached
/// input line is found and named by file, line and seq.
/// </summary>
public sealed class EvidenceBundleTests : IAsyncLifetime, IDisposable
{
    private const string Product = "smart-glasses";
    private readonly TempDirectory _dir = new();
    private readonly TestDevice _glasses1 = new("GL-0001", Product);
    private readonly TestDevice _glasses2 = new("GL-0002", Product);
    private readonly TestDevice _drone = new("DR-0001", "drone");
    private HubUnderTest _hub = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubUnderTest.StartAsync(mosquitto: false);
        _db = _hub.DatabasePath;
        foreach (var device in new[] { _glasses1, _glasses2, _drone })
        {
            _hub.Enroll(device);
        }

        await using var client = await DeviceClient.ConnectAsync(_hub.Broker, "bundle-test", _glasses1, _glasses2, _drone);
        Assert.Equal(4, (await client.SendAsync(_glasses1, _glasses1.Batch(_glasses1.NextRecords(4)))).AckedSeq);
        var dropped = _glasses1.Drop();
        Assert.Equal(8, (await client.SendAsync(_glasses1, _glasses1.Batch(_glasses1.NextRecords(3), [dropped]))).AckedSeq);
        Assert.Equal(2, (await client.SendAsync(_glasses2, _glasses2.Batch(_glasses2.NextRecords(2)))).AckedSeq);
        Assert.Equal(1, (await client.SendAsync(_drone, _drone.Batch(_drone.NextRecords(1)))).AckedSeq);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _hub.Logs.AssertNoErrors();
    }

    public void Dispose()
    {
        foreach (var device in new[] { _glasses1, _glasses2, _drone })
        {
            device.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public void Verify_HonestBundle_PassesAndCountsEverything()
    {
        var path = Write();

        var result = Verify(path);

        Assert.True(result.IsValid, string.Join("\n", result.Findings));
        Assert.Equal(2, result.Devices);
        Assert.Equal(9, result.Records); // GL-0001: 4 + 3, GL-0002: 2; the drone is another product
        Assert.Equal(1, result.Tombstones);
        Assert.Equal(3, result.Checkpoints);
        Assert.Equal(["GL-0001", "GL-0002"], result.Manifest!.Devices.Select(d => d.DeviceId));
    }

    [Fact]
    public void Verify_OneByteOfAMiddleRecordChanged_NamesThatRecord()
    {
        var path = Write();
        BundleTampering.Rewrite(path, BundleLayout.Entries("GL-0001"), text => ReplaceInLine(text, 2, "\"period_s\":900", "\"period_s\":901"));

        var findings = Verify(path).Findings;

        var finding = Assert.Single(findings);
        Assert.Equal((BundleLayout.Entries("GL-0001"), 2, 2L, RejectionReasons.BrokenChain), (finding.Path, finding.Line, finding.Seq, finding.Reason));
    }

    [Fact]
    public void Verify_OneByteOfTheLastRecordChanged_NamesThatRecordThroughItsCheckpoint()
    {
        var path = Write();
        BundleTampering.Rewrite(path, BundleLayout.Entries("GL-0002"), text => ReplaceInLine(text, 2, "\"period_s\":900", "\"period_s\":901"));

        var findings = Verify(path).Findings;

        Assert.Contains(findings, f => f.Path == BundleLayout.Checkpoints("GL-0002") && f.Seq == 2 && f.Reason == RejectionReasons.BadSignature);
        Assert.Contains(findings, f => f.Path == BundleLayout.Entries("GL-0002") && f.Seq == 2 && f.Reason == BundleVerifier.HeadMismatch);
        Assert.All(findings, f => Assert.Contains("GL-0002", f.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_RecordMadeUnreadable_NamesItOnce()
    {
        var path = Write();
        BundleTampering.Rewrite(path, BundleLayout.Entries("GL-0001"), text => ReplaceInLine(text, 3, "\"seq\":3", "\"seq\":\"3\""));

        var finding = Assert.Single(Verify(path).Findings);

        Assert.Equal((3, 3L, RejectionReasons.Malformed), (finding.Line, finding.Seq, finding.Reason));
    }

    [Fact]
    public void Verify_RecordRemoved_ReportsTheGapWhereItWas()
    {
        var path = Write();
        BundleTampering.Rewrite(path, BundleLayout.Entries("GL-0001"), text => string.Join('\n', text.Split('\n').Where((_, i) => i != 1)));

        var findings = Verify(path).Findings;

        Assert.Contains(findings, f => f.Line == 2 && f.Seq == 3 && f.Reason == RejectionReasons.Gap);
    }

    [Fact]
    public void Verify_DeviceKeySwapped_ReportsTheKeyNotEveryCheckpoint()
    {
        var path = Write();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        BundleTampering.Rewrite(path, BundleLayout.DeviceKey("GL-0001"), _ => other.ExportSubjectPublicKeyInfoPem());

        var findings = Verify(path).Findings;

        var finding = Assert.Single(findings);
        Assert.Equal((BundleLayout.DeviceKey("GL-0001"), BundleVerifier.KeyMismatch), (finding.Path, finding.Reason));
    }

    [Fact]
    public void Verify_ManifestEdited_FailsItsSignature()
    {
        var path = Write();
        BundleTampering.Rewrite(path, BundleLayout.Manifest, text => text.Replace("\"year\": 2026", "\"year\": 2025", StringComparison.Ordinal));

        var finding = Assert.Single(Verify(path).Findings);

        Assert.Equal(BundleVerifier.ManifestSignatureReason, finding.Reason);
    }

    [Fact]
    public void Verify_AttachedInputLineChanged_NamesTheLine()
    {
        var csv = "invoice_no,line,amount_cny\nINV-1,1,1000.00\nINV-1,2,2500.00\nINV-2,1,300.00\n";
        var path = Write(new BundleAttachment("inputs/invoices.csv", Encoding.UTF8.GetBytes(csv), LineDigests: true));
        Assert.True(Verify(path).IsValid);
        BundleTampering.Rewrite(path, "inputs/invoices.csv", text => text.Replace("2500.00", "2600.00", StringComparison.Ordinal));

        var finding = Assert.Single(Verify(path).Findings);

        Assert.Equal(("inputs/invoices.csv", 3, BundleVerifier.LineDigest), (finding.Path, finding.Line, finding.Reason));
    }

    [Fact]
    public void Verify_FileAddedBesideTheManifest_IsReported()
    {
        var path = Write();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            using var w = new StreamWriter(zip.CreateEntry("inputs/extra.csv").Open());
            w.Write("a,b\n");
        }

        var finding = Assert.Single(Verify(path).Findings);

        Assert.Equal(("inputs/extra.csv", BundleVerifier.UnexpectedFile), (finding.Path, finding.Reason));
    }

    [Fact]
    public void Verify_PinnedHubKeyIsAnother_ReportsOriginAndSignature()
    {
        var path = Write();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var stream = File.OpenRead(path);
        var findings = BundleVerifier.Verify(stream, other).Findings;

        Assert.Contains(findings, f => f.Reason == BundleVerifier.HubKeyMismatch);
        Assert.Contains(findings, f => f.Reason == BundleVerifier.ManifestSignatureReason);
    }

    [Fact]
    public void Verify_DeviceCertificates_BundledWithTheHubCaAndChecked()
    {
        IssueCertificate(_glasses1, _glasses1.DeviceId);
        var path = Write();
        Assert.True(Verify(path).IsValid, string.Join("\n", Verify(path).Findings));

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.NotNull(zip.GetEntry(BundleLayout.HubCa));
        }

        // A certificate for another key that the hub CA never issued: named, never accepted.
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=GL-0001", other, HashAlgorithmName.SHA256);
        using var forged = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        BundleTampering.Rewrite(path, BundleLayout.Certificates("GL-0001"), _ => forged.ExportCertificatePem() + "\n");

        var finding = Assert.Single(Verify(path).Findings, f => f.Reason == BundleVerifier.CertificateMismatch);
        Assert.Equal(BundleLayout.Certificates("GL-0001"), finding.Path);
    }

    [Fact]
    public void LoadOrCreate_SecondLoad_SameKeyOwnerOnly()
    {
        using var first = HubEvidenceKey.LoadOrCreate(_db);
        using var second = HubEvidenceKey.LoadOrCreate(_db);

        Assert.Equal(HubEvidenceKey.KeyId(first), HubEvidenceKey.KeyId(second));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(HubEvidenceKey.PathFor(_db)));
        }
    }

    private void IssueCertificate(TestDevice device, string deviceId)
    {
        using var store = _hub.OpenStore();
        using var ca = Hub.Identity.HubCertificateAuthority.OpenOrCreate(Hub.Identity.HubCertificateAuthority.DirectoryOf(_db), TimeProvider.System);
        using var certificate = ca.IssueDevice(new System.Security.Cryptography.X509Certificates.PublicKey(device.Key), deviceId, device.ProductId, TimeSpan.FromDays(365));
        new Hub.Identity.IdentityRecords(store).InsertCertificate(new Hub.Identity.CertificateRow(
            certificate.SerialNumber, deviceId, device.ProductId, Checkpoint.KeyIdOf(device.Key), 0, 1, 1, certificate.ExportCertificatePem()));
    }

    private string Write(params BundleAttachment[] attachments)
    {
        var path = _dir.Combine($"bundle-{Guid.NewGuid():N}.zip");
        using var store = _hub.OpenStore();
        using var key = HubEvidenceKey.LoadOrCreate(_db);
        var summary = BundleWriter.Write(store, Product, 2026, key, TimeProvider.System.GetUtcNow(), attachments, path);
        Assert.Equal(2, summary.Devices);
        return path;
    }

    private static BundleVerification Verify(string path)
    {
        using var stream = File.OpenRead(path);
        return BundleVerifier.Verify(stream);
    }

    private static string ReplaceInLine(string text, int line, string from, string to)
    {
        var lines = text.Split('\n');
        lines[line - 1] = lines[line - 1].Replace(from, to, StringComparison.Ordinal);
        return string.Join('\n', lines);
    }
}
