using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Ledger;
using static EdgeAgent.Core.Tests.Ledger.LedgerFixture;

namespace EdgeAgent.Core.Tests.Ledger;

public sealed class LedgerExportTests : IDisposable
{
    private readonly LedgerFixture _device = new();

    public void Dispose() => _device.Dispose();

    [Fact]
    public async Task Verify_HonestExport_HasNoProblemsAndCoversTheHeldRange()
    {
        var (export, summary) = await ExportAsync(acknowledge: 2);

        var report = LedgerExport.Verify(export);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.Equal(new LedgerExportSummary(3, 6, 4, 0, true), summary);
        Assert.Equal(("GL-0001", 3L, 6L, 4), (report.DeviceId, report.FirstSeq, report.LastSeq, report.Accepted));
        Assert.True(LedgerExport.Verify(export, _device.Key).IsValid);
        Assert.Contains("\"public_key\":\"-----BEGIN PUBLIC KEY-----", Encoding.UTF8.GetString(export), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OneByteOfAMiddleRecordAltered_ReportsTheBrokenLinkAfterIt()
    {
        var (export, _) = await ExportAsync();
        var text = Encoding.UTF8.GetString(export);
        var at = text.IndexOf("\"n\":3", StringComparison.Ordinal) + 4;
        var tampered = Encoding.UTF8.GetBytes(text[..at] + "7" + text[(at + 1)..]);

        var report = LedgerExport.Verify(tampered);

        Assert.Contains(report.Problems, p => p.Reason == RejectionReasons.BrokenChain && p.Seq == 4);
    }

    [Fact]
    public async Task Verify_LastRecordAltered_ReportsABadSignature()
    {
        var (export, _) = await ExportAsync();
        var text = Encoding.UTF8.GetString(export);
        var at = text.IndexOf("\"n\":6", StringComparison.Ordinal) + 4;

        var report = LedgerExport.Verify(Encoding.UTF8.GetBytes(text[..at] + "9" + text[(at + 1)..]));

        Assert.Contains(report.Problems, p => p.Reason == RejectionReasons.BadSignature);
    }

    [Fact]
    public async Task Verify_RecordRemoved_ReportsAGap()
    {
        var (export, _) = await ExportAsync();
        var records = Records(export);

        var report = LedgerExport.Verify(Rebuild(export, [records[0], records[1], records[3], records[4], records[5]]));

        Assert.Contains(report.Problems, p => p.Reason == RejectionReasons.Gap && p.Seq == 4);
    }

    [Fact]
    public async Task Verify_TwoRecordsSwapped_ReportsTheReorder()
    {
        var (export, _) = await ExportAsync();
        var records = Records(export);

        var report = LedgerExport.Verify(Rebuild(export, [records[0], records[2], records[1], records[3], records[4], records[5]]));

        Assert.Contains(report.Problems, p => p.Reason == RejectionReasons.Replay && p.Seq == 2);
    }

    [Fact]
    public async Task Verify_KeyReplacedAndResigned_FailsAgainstThePinnedKey()
    {
        var (export, _) = await ExportAsync();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = Encoding.UTF8.GetString(export);
        var forged = text.Replace(JsonPem(_device.PublicKeyPem), JsonPem(other.ExportSubjectPublicKeyInfoPem()), StringComparison.Ordinal);

        var unpinned = LedgerExport.Verify(Encoding.UTF8.GetBytes(forged));
        var pinned = LedgerExport.Verify(Encoding.UTF8.GetBytes(text), other);

        Assert.Contains(unpinned.Problems, p => p.Reason == RejectionReasons.BadSignature); // the device's signature, another key
        Assert.Contains(pinned.Problems, p => p.Reason == RejectionReasons.BadSignature && p.Detail.Contains("not the pinned key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_EverythingAcknowledged_RefusesNamingWhy()
    {
        using var ledger = await _device.OpenAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => LedgerExport.WriteAsync(_device.Outbox, ledger, _device.PublicKeyPem, new MemoryStream(), CancellationToken.None));

        Assert.Contains("nothing to export", e.Message, StringComparison.Ordinal);
    }

    private async Task<(byte[] Export, LedgerExportSummary Summary)> ExportAsync(long acknowledge = 0)
    {
        using var ledger = await _device.OpenAsync();
        for (var n = 1; n <= 6; n++)
        {
            await ledger.AppendAsync(RecordTypes.Session, Data($$"""{"n":{{n}}}"""), CancellationToken.None);
        }

        await _device.Outbox.AcknowledgeAsync(acknowledge, CancellationToken.None);
        using var stream = new MemoryStream();
        var summary = await LedgerExport.WriteAsync(_device.Outbox, ledger, _device.PublicKeyPem, stream, CancellationToken.None);
        return (stream.ToArray(), summary);
    }

    private static List<byte[]> Records(byte[] export)
    {
        Assert.True(RecordBatch.TryRead(export, out var batch, out _, out _));
        return [.. batch!.Records];
    }

    /// <summary>The same export with other records, keeping its checkpoint and key.</summary>
    private static byte[] Rebuild(byte[] export, List<byte[]> records)
    {
        Assert.True(RecordBatch.TryRead(export, out var batch, out _, out _));
        var rebuilt = RecordBatch.Write(batch!.DeviceId, batch.ProductId, records.Select(r => (ReadOnlyMemory<byte>)r), batch.Checkpoint);
        var text = Encoding.UTF8.GetString(export);
        var key = text[text.IndexOf(",\"public_key\"", StringComparison.Ordinal)..];
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(rebuilt)[..^1] + key);
    }

    private static string JsonPem(string pem) => System.Text.Json.JsonSerializer.Serialize(pem)[1..^1];
}
