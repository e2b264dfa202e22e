using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using static EdgeAgent.Core.Tests.Ledger.LedgerFixture;

namespace EdgeAgent.Core.Tests.Ledger;

public sealed class DeviceLedgerTests : IDisposable
{
    private readonly LedgerFixture _device = new();

    public void Dispose()
    {
        Assert.DoesNotContain(_device.Logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        _device.Dispose();
    }

    [Fact]
    public async Task AppendAsync_SeveralRecords_MakeAChainThatVerifiesAsASignedBatch()
    {
        using var ledger = await _device.OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            _device.Time.Advance(TimeSpan.FromSeconds(1));
            var append = await ledger.AppendAsync(RecordTypes.UsageSummary, Data($$"""{"period_s":{{i}}}"""), CancellationToken.None);
            Assert.Equal((i + 1L, AppendOutcome.Stored), (append.Seq, append.Outcome));
        }

        var records = _device.Outbox.Records;
        var (problems, head) = Chain.Verify(records.Select(r => r.Payload.ToArray()), "GL-0001", ChainHead.Genesis);
        Assert.Empty(problems);
        Assert.Equal(ledger.Head, head);
        Assert.Equal(5, _device.Signal.Head);

        var first = Decode(records[0]);
        Assert.Equal((1L, 1L, 1000L, TimeSources.None, (long?)null), (first.Boot, first.Seq, first.MonoMs, first.TimeSource, first.WallMs));
        Assert.Equal((Digests.Model, Digests.Agent, Digests.Config), (first.ModelDigest, first.AgentDigest, first.ConfigDigest));
        Assert.All(records, r => Assert.Equal(RecordCodec.Hash(r.Payload.Span), r.Hash));

        var batch = RecordBatch.Write("GL-0001", "smart-glasses", records.Select(r => r.Payload), ledger.Sign(head.Seq, head.Hash));
        Assert.True(RecordBatch.TryRead(batch, out var read, out _, out _));
        var verdict = BatchVerifier.Verify(read!, _device.Key, ChainHead.Genesis, _ => null);
        Assert.Empty(verdict.Rejected);
        Assert.Equal(5, verdict.Accepted.Count);
    }

    [Fact]
    public async Task AppendAsync_ThousandFromEightTasks_GivesContiguousSeqsAndAValidChain()
    {
        using var ledger = await _device.OpenAsync();

        var appends = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 125; i++)
            {
                mine.Add((await ledger.AppendAsync(i % 2 == 0 ? RecordTypes.EnvSample : RecordTypes.Session, Data($$"""{"task":{{t}}}"""), CancellationToken.None)).Seq);
            }

            return mine;
        })));

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), appends.SelectMany(a => a).Order());
        Assert.All(appends, a => Assert.Equal(a.Order(), a)); // each task saw its own appends in order
        var (problems, head) = Chain.Verify(_device.Outbox.Records.Select(r => r.Payload.ToArray()), "GL-0001", ChainHead.Genesis);
        Assert.Empty(problems);
        Assert.Equal((1000L, head), (ledger.Head.Seq, ledger.Head));
        Assert.Equal(1000, _device.Signal.Head);
    }

    [Fact]
    public async Task AppendAsync_AfterAFailedAppend_ReloadsTheHeadAndTheChainStaysValid()
    {
        using var ledger = await _device.OpenAsync();
        await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);
        await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);
        _device.Outbox.FailSeqOnce = 3;

        await Assert.ThrowsAsync<IOException>(async () => await ledger.AppendAsync(RecordTypes.Session, Data("""{"n":3}"""), CancellationToken.None));
        Assert.Equal(2, ledger.Head.Seq);

        var next = await ledger.AppendAsync(RecordTypes.Session, Data("""{"n":4}"""), CancellationToken.None);

        Assert.Equal(3, next.Seq);
        Assert.Empty(Chain.Verify(_device.Outbox.Records.Select(r => r.Payload.ToArray()), "GL-0001", ChainHead.Genesis).Problems);
        Assert.Contains(_device.Logger.Entries, e => e.EventId.Id == 5002);
    }

    [Fact]
    public async Task AppendAsync_AppendsPipelinedBehindAFailedOne_AreLinkedAgainAndStoredWithoutGapOrReuse()
    {
        using var ledger = await _device.OpenAsync();
        await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);
        _device.Outbox.Hold = true;
        _device.Outbox.FailSeqOnce = 2;

        // Seqs 2..6 are assigned and queued; 2 fails (a full disk), so 3..6 name a head that never came to be.
        var failed = ledger.AppendAsync(RecordTypes.Session, Data("""{"n":2}"""), CancellationToken.None).AsTask();
        var behind = Enumerable.Range(3, 4).Select(n => ledger.AppendAsync(RecordTypes.Session, Data($$"""{"n":{{n}}}"""), CancellationToken.None).AsTask()).ToList();
        Assert.Equal(5, _device.Outbox.HeldCount);
        _device.Outbox.Release();

        await Assert.ThrowsAsync<IOException>(() => failed);
        var stored = await Task.WhenAll(behind);

        // Each of the four is stored once, under the seqs 2..5 the failure left free: no gap, no seq twice.
        Assert.Equal([2L, 3, 4, 5], stored.Select(a => a.Seq).Order());
        var records = _device.Outbox.Records;
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Seq));
        var ns = records.Skip(1).Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty("data").GetProperty("n").GetInt32()).Order();
        Assert.Equal([3, 4, 5, 6], ns);
        Assert.Empty(Chain.Verify(records.Select(r => r.Payload.ToArray()), "GL-0001", ChainHead.Genesis).Problems);
        Assert.Equal(5, ledger.Head.Seq);
    }

    [Fact]
    public async Task AppendAsync_UnknownTypeOrNonObjectData_RefusedAndNoSeqUsed()
    {
        using var ledger = await _device.OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.AppendAsync("made.up", Data("{}"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.AppendAsync(RecordTypes.Session, Data("[1]"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.AppendAsync(RecordTypes.Session, Data($$"""{"x":"{{new string('x', 70_000)}}"}"""), CancellationToken.None));

        Assert.Equal(1, (await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None)).Seq);
    }

    [Fact]
    public async Task OpenAsync_NoConsent_RefusedSayingHowToFixItAndNoBootCounted()
    {
        using var device = new LedgerFixture(consent: false);

        var e = await Assert.ThrowsAsync<DeviceNotProvisionedException>(() => device.OpenAsync());

        Assert.Contains("without the owner's consent", e.Message, StringComparison.Ordinal);
        Assert.Contains("edgeagent provision --device GL-0001 --product smart-glasses --consent", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, device.Outbox.StartBootCalls);
    }

    [Fact]
    public async Task OpenAsync_EachStart_CountsOneBootAndResumesFromTheHead()
    {
        using (var first = await _device.OpenAsync())
        {
            Assert.Equal(1, first.Boot);
            await first.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);
        }

        using var second = await _device.OpenAsync();
        var append = await second.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);

        Assert.Equal((2L, 2, 2L), (second.Boot, _device.Outbox.StartBootCalls, append.Seq));
        Assert.Equal(2, Decode(_device.Outbox.Records[1]).Boot);
        Assert.Empty(Chain.Verify(_device.Outbox.Records.Select(r => r.Payload.ToArray()), "GL-0001", ChainHead.Genesis).Problems);
    }

    [Fact]
    public async Task EnsureActivatedAsync_CalledAgainAndAfterReopen_WritesActivationOnlyOnce()
    {
        using (var ledger = await _device.OpenAsync())
        {
            Assert.False(ledger.IsActivated);
            var activation = await ledger.EnsureActivatedAsync(Data("""{"region":"330106"}"""), CancellationToken.None);
            Assert.Equal(1, activation!.Seq);
            Assert.True(ledger.IsActivated);
            Assert.Null(await ledger.EnsureActivatedAsync(Data("""{"region":"330106"}"""), CancellationToken.None));
        }

        using var reopened = await _device.OpenAsync();
        Assert.True(reopened.IsActivated);
        Assert.Null(await reopened.EnsureActivatedAsync(Data("""{"region":"330106"}"""), CancellationToken.None));
        Assert.Single(_device.Outbox.Records, r => r.Type == RecordTypes.DeviceActivated);
    }

    [Fact]
    public async Task EnsureActivatedAsync_ConcurrentCalls_WriteOneActivation()
    {
        using var ledger = await _device.OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ledger.EnsureActivatedAsync(Data("{}"), CancellationToken.None).AsTask()));

        Assert.Single(results, r => r is not null);
        Assert.Single(_device.Outbox.Records, r => r.Type == RecordTypes.DeviceActivated);
    }

    [Fact]
    public async Task WriteDropReportAsync_DropsPending_WritesTelemetryDroppedThatReportsThem()
    {
        using var ledger = await _device.OpenAsync();
        Assert.Null(await ledger.WriteDropReportAsync(CancellationToken.None));
        var pending = new DroppedTelemetry(3, 4, 9, 900);
        _device.Outbox.Pending = pending;

        var append = await ledger.WriteDropReportAsync(CancellationToken.None);

        var stored = _device.Outbox.Records.Single();
        Assert.Equal((1L, RecordTypes.TelemetryDropped, RecordClass.Evidence, pending), (append!.Seq, stored.Type, stored.Class, stored.Reports));
        Assert.Equal("""{"count":3,"first_seq":4,"last_seq":9,"bytes":900}""", Decode(stored).Data.GetRawText());
        Assert.Null(_device.Outbox.Pending);
        Assert.Null(await ledger.WriteDropReportAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RecordAsync_ClockSync_WritesTheExchangeAndLaterRecordsCarryHubTime()
    {
        using var ledger = await _device.OpenAsync();
        _device.Time.Advance(TimeSpan.FromMilliseconds(120_500));
        var before = await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);
        Assert.Equal(120_500, ledger.MonoMs);

        _device.Time.Advance(TimeSpan.FromMilliseconds(40));
        await ledger.RecordAsync(new ClockSyncSample(1, 120_500, 120_540, 1_764_403_200_000), CancellationToken.None);
        _device.Time.Advance(TimeSpan.FromMilliseconds(1_000));
        await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);

        var records = _device.Outbox.Records.Select(Decode).ToList();
        Assert.Equal((TimeSources.None, (long?)null), (records[0].TimeSource, records[0].WallMs));
        Assert.Equal(RecordTypes.ClockSync, records[1].Type);
        Assert.Equal("""{"boot":1,"t0_mono_ms":120500,"t1_mono_ms":120540,"hub_ms":1764403200000,"offset_ms":1764403079480,"err_ms":20}""", records[1].Data.GetRawText());
        Assert.Equal((TimeSources.Hub, 121_540 + 1_764_403_079_480L), (records[2].TimeSource, records[2].WallMs!.Value));
        Assert.Equal(1, before.Seq);
    }

    [Fact]
    public async Task RecordAsync_SampleOfAnotherBoot_Refused()
    {
        using var ledger = await _device.OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.RecordAsync(new ClockSyncSample(7, 1, 2, 3), CancellationToken.None));

        Assert.Null(_device.Clock.CurrentAnchor);
    }

    [Fact]
    public async Task SetModelDigest_AfterAnUpdate_LaterRecordsCarryIt()
    {
        using var ledger = await _device.OpenAsync();
        var digest = LedgerDigests.OfModels([new string('d', 64)]);

        ledger.SetModelDigest(digest);
        await ledger.AppendAsync(RecordTypes.ModelChanged, Data("{}"), CancellationToken.None);

        Assert.Equal(digest, Decode(_device.Outbox.Records[0]).ModelDigest);
        Assert.Throws<ArgumentException>(() => ledger.SetModelDigest("not-a-digest"));
    }

    [Fact]
    public async Task Sign_Head_VerifiesWithThePublicKey()
    {
        using var ledger = await _device.OpenAsync();
        var head = await ledger.AppendAsync(RecordTypes.Session, Data("{}"), CancellationToken.None);

        var checkpoint = ledger.Sign(head.Seq, head.Hash);

        Assert.True(checkpoint.VerifiedBy(_device.Key, "GL-0001"));
        Assert.Equal(_device.Identity.KeyId, checkpoint.KeyId);
    }
}
