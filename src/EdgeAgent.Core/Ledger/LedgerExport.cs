using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Core.Ledger;

/// <summary>What <see cref="LedgerExport.WriteAsync"/> wrote: the seq range and how many entries, and whether that was all of them.</summary>
public sealed record LedgerExportSummary(long FirstSeq, long LastSeq, int Records, int Tombstones, bool Complete);

/// <summary>One thing wrong with an export: the entry's seq (0: the whole document) and one of <see cref="RejectionReasons"/>.</summary>
public sealed record LedgerExportProblem(long Seq, string Reason, string Detail);

/// <summary>What <see cref="LedgerExport.Verify"/> found; <see cref="IsValid"/> when every entry checked out.</summary>
public sealed record LedgerExportReport(string? DeviceId, long FirstSeq, long LastSeq, int Accepted, IReadOnlyList<LedgerExportProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The device's un-acknowledged ledger entries as one self-contained JSON document (FORMAT.md, "Ledger export"): a
/// batch payload (records byte for byte, tombstones, a checkpoint signed over the last entry) plus the device's public
/// key, so anyone can check it offline with the same verifier the hub uses.
/// </summary>
public static class LedgerExport
{
    /// <summary>Room kept below <see cref="RecordBatch.MaxBatchBytes"/> for the envelope, the checkpoint and the key.</summary>
    private const int EnvelopeBytes = 4096;

    /// <summary>
    /// Writes the held (un-acknowledged) entries from the oldest, as many as fit in one batch (1 MiB); the summary
    /// says whether that was all of them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The outbox holds nothing: every record was acknowledged.</exception>
    public static async Task<LedgerExportSummary> WriteAsync(IOutbox outbox, ICheckpointSigner signer, string publicKeyPem, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyPem);
        ArgumentNullException.ThrowIfNull(destination);

        var records = new List<ReadOnlyMemory<byte>>();
        var tombstones = new List<Tombstone>();
        OutboxRecord? first = null, last = null;
        var size = EnvelopeBytes + Encoding.UTF8.GetByteCount(publicKeyPem) * 2;
        var complete = true;
        var after = 0L;
        while (complete)
        {
            var page = await outbox.ReadAsync(after, 256, ct).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var entry in page)
            {
                var cost = entry.IsDropped ? 100 : entry.Payload.Length + 1;
                if (size + cost > RecordBatch.MaxBatchBytes)
                {
                    complete = false;
                    break;
                }

                size += cost;
                first ??= entry;
                last = entry;
                if (entry.IsDropped)
                {
                    tombstones.Add(new Tombstone { Seq = entry.Seq, Hash = entry.Hash });
                }
                else
                {
                    records.Add(entry.Payload);
                }
            }

            after = page[^1].Seq;
        }

        if (first is null || last is null)
        {
            throw new InvalidOperationException("nothing to export: the outbox holds no entry (every record was acknowledged by the hub)");
        }

        var batch = RecordBatch.Write(signer.DeviceId, signer.ProductId, records, tombstones, signer.Sign(last.Seq, last.Hash));

        // The batch object, with "public_key" added as its last member.
        using (var key = new MemoryStream())
        {
            using (var json = new Utf8JsonWriter(key))
            {
                json.WriteStartObject();
                json.WriteString("public_key", publicKeyPem);
                json.WriteEndObject();
            }

            var member = key.ToArray().AsMemory(1, (int)key.Length - 2); // "public_key":"..."
            await destination.WriteAsync(batch.AsMemory(0, batch.Length - 1), ct).ConfigureAwait(false);
            await destination.WriteAsync(","u8.ToArray(), ct).ConfigureAwait(false);
            await destination.WriteAsync(member, ct).ConfigureAwait(false);
            await destination.WriteAsync("}"u8.ToArray(), ct).ConfigureAwait(false);
        }

        return new LedgerExportSummary(first.Seq, last.Seq, records.Count, tombstones.Count, complete);
    }

    /// <summary>
    /// Checks an export: its shape, that the records are in strictly increasing seq order, the key (the embedded one, or
    /// <paramref name="pinnedKey"/> when given: an auditor pins the key enrolled at the hub), the checkpoint signature
    /// and every link, from (first seq - 1, the first record's prev).
    /// </summary>
    public static LedgerExportReport Verify(ReadOnlySpan<byte> export, ECDsa? pinnedKey = null)
    {
        var problems = new List<LedgerExportProblem>();
        if (!RecordBatch.TryRead(export, out var batch, out var reason, out var detail))
        {
            return new LedgerExportReport(null, 0, 0, 0, [new LedgerExportProblem(0, reason!, detail!)]);
        }

        string? pem;
        try
        {
            using var document = JsonDocument.Parse(export.ToArray());
            pem = document.RootElement.TryGetProperty("public_key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        }
        catch (JsonException e)
        {
            return new LedgerExportReport(batch!.DeviceId, 0, 0, 0, [new LedgerExportProblem(0, RejectionReasons.Malformed, e.Message)]);
        }

        using var embedded = ECDsa.Create();
        var haveEmbedded = false;
        if (pem is not null)
        {
            try
            {
                embedded.ImportFromPem(pem);
                haveEmbedded = true;
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                problems.Add(new LedgerExportProblem(0, RejectionReasons.Malformed, $"public_key is not an EC public key: {e.Message}"));
            }
        }
        else
        {
            problems.Add(new LedgerExportProblem(0, RejectionReasons.Malformed, "the export has no \"public_key\""));
        }

        if (pinnedKey is not null && haveEmbedded && Checkpoint.KeyIdOf(pinnedKey) != Checkpoint.KeyIdOf(embedded))
        {
            problems.Add(new LedgerExportProblem(0, RejectionReasons.BadSignature,
                $"the export carries key {Checkpoint.KeyIdOf(embedded)}, not the pinned key {Checkpoint.KeyIdOf(pinnedKey)}"));
        }

        var key = pinnedKey ?? (haveEmbedded ? embedded : null);
        if (key is null)
        {
            return new LedgerExportReport(batch!.DeviceId, 0, 0, 0, problems);
        }

        // Document order must be seq order: the verifier sorts entries, so a swap would otherwise pass unseen.
        var decoded = new List<EvidenceRecord>();
        long previous = 0;
        foreach (var bytes in batch!.Records)
        {
            if (RecordCodec.TryDecode(bytes, out var record, out _))
            {
                if (record!.Seq <= previous)
                {
                    problems.Add(new LedgerExportProblem(record.Seq, RejectionReasons.Replay, $"seq {record.Seq} comes after seq {previous} in the export"));
                }

                previous = Math.Max(previous, record.Seq);
                decoded.Add(record);
            }
        }

        var firstRecord = decoded.MinBy(r => r.Seq);
        var firstTombstone = batch.Dropped.Count > 0 ? batch.Dropped.Min(t => t.Seq) : long.MaxValue;
        var firstSeq = Math.Min(firstRecord?.Seq ?? long.MaxValue, firstTombstone);
        if (firstSeq == long.MaxValue)
        {
            firstSeq = batch.Checkpoint.Seq;
        }

        // A tombstone's predecessor is not in the batch and the verifier does not ask for it.
        var head = new ChainHead(firstSeq - 1, firstRecord is not null && firstRecord.Seq == firstSeq ? firstRecord.Prev : EvidenceRecord.GenesisPrev);
        var verdict = BatchVerifier.Verify(batch, key, head, _ => null);
        problems.AddRange(verdict.Rejected.Select(r => new LedgerExportProblem(r.Seq, r.Reason, r.Detail)));
        return new LedgerExportReport(batch.DeviceId, firstSeq, batch.Checkpoint.Seq, verdict.Accepted.Count, problems);
    }
}
