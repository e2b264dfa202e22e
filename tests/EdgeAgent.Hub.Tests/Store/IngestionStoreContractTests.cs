using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Store;

/// <summary>The ingestion store port, the same cases on SQLite (<see cref="HubStore"/>) and on a real PostgreSQL (<see cref="PostgresStore"/>).</summary>
[Collection(PostgresTests.Name)]
public sealed class IngestionStoreContractTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> Stores => ["sqlite", "postgres"];

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task Enroll_SameKeyTwiceOtherKeyOnce_FalseThenRefused(string kind)
    {
        using var store = await OpenAsync(kind);

        Assert.True(store.Enroll(Device("GL-1")));
        Assert.False(store.Enroll(Device("GL-1")));
        var refused = Assert.Throws<InvalidOperationException>(() => store.Enroll(Device("GL-1") with { KeyId = "other" }));

        Assert.Contains("already enrolled with key k-GL-1", refused.Message, StringComparison.Ordinal);
        Assert.Equal("smart-glasses", store.FindDevice("GL-1")!.ProductId);
        Assert.Null(store.FindDevice("GL-2"));
        Assert.Equal(["GL-1"], store.Devices().Select(d => d.DeviceId));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task Write_CommittedThenRolledBack_OnlyTheCommittedGroupHeld(string kind)
    {
        using var store = await OpenAsync(kind);
        store.Enroll(Device("GL-1"));

        store.BeginWrite();
        store.LockDevices(["GL-1"]);
        Assert.Null(store.Head("GL-1"));
        store.AddRecord(Row("GL-1", 1, "h1"));
        store.AddRecord(Row("GL-1", 2, "h2", tombstone: true));
        Assert.Equal("h1", store.HeldHashes("GL-1", 1, 1).GetValueOrDefault(1)); // read inside the transaction that wrote it
        store.SetHead("GL-1", 2, "h2", 0);
        store.InsertCheckpoint("GL-1", 2, "h2", "k", "sig", 5);
        store.CommitWrite();

        store.BeginWrite();
        store.LockDevices(["GL-1"]);
        store.AddRecord(Row("GL-1", 3, "h3"));
        store.SetHead("GL-1", 3, "h3", 0);
        store.InsertRejection("GL-1", 3, RejectionReasons.Replay, "x", "t", null, 5);
        store.RollbackWrite();

        Assert.Equal((2L, "h2", 0L), store.Head("GL-1"));
        Assert.Equal([1L, 2L], store.Records("GL-1", 1).Select(r => r.Seq));
        Assert.Null(store.Records("GL-1", 2)[0].Payload);
        Assert.Empty(store.Counters());
        Assert.Empty(store.HeldHashes("GL-1", 3, 3));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task AddRecord_SameSeqTwice_FirstKept(string kind)
    {
        using var store = await OpenAsync(kind);

        Write(store, s =>
        {
            s.AddRecord(Row("GL-1", 1, "first"));
            s.AddRecord(Row("GL-1", 1, "second"));
        });
        Write(store, s => s.AddRecord(Row("GL-1", 1, "third")));

        var row = Assert.Single(store.Records("GL-1", 0));
        Assert.Equal("first", row.Hash);
        Assert.Equal([1, 2, 3], row.Payload);
        Assert.Equal(1234, row.WallMs);
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task TombstonesBetween_MixedEntries_CountsOnlyTombstonesInRange(string kind)
    {
        using var store = await OpenAsync(kind);

        Write(store, s =>
        {
            foreach (var seq in Enumerable.Range(1, 6))
            {
                s.AddRecord(Row("GL-1", seq, $"h{seq}", tombstone: seq % 2 == 0));
            }

            Assert.Equal(2, s.TombstonesBetween("GL-1", 2, 5));
        });

        Assert.Equal(3, store.TombstonesBetween("GL-1", 1, 6));
        Assert.Equal(0, store.TombstonesBetween("GL-2", 1, 6));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task InsertRejectionAndCount_TwoGroups_CountedPerReasonLatestFirst(string kind)
    {
        using var store = await OpenAsync(kind);

        Write(store, s =>
        {
            s.InsertRejection("GL-1", 4, RejectionReasons.Gap, "first", "ea/v1/p/GL-1/evt", [9], 10);
            s.InsertRejection("GL-2", 0, RejectionReasons.UnknownDevice, "second", "ea/v1/p/GL-2/evt", null, 11);
            s.Count("drop_report_mismatch");
        });
        Write(store, s => s.InsertRejection("GL-1", 5, RejectionReasons.Gap, "third", "ea/v1/p/GL-1/evt", null, 12));

        Assert.Equal(new Dictionary<string, long> { ["drop_report_mismatch"] = 1, [RejectionReasons.Gap] = 2, [RejectionReasons.UnknownDevice] = 1 }, store.Counters());
        var (perReason, latest) = store.Rejections("GL-1", 1);
        Assert.Equal(new Dictionary<string, long> { [RejectionReasons.Gap] = 2 }, perReason);
        Assert.Equal("third", Assert.Single(latest).Detail);
        Assert.Equal(["third", "second", "first"], store.Rejections(null, 10).Latest.Select(r => r.Detail));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task UpsertAnchor_LargerThenSmallerError_SmallestKeptPerBoot(string kind)
    {
        using var store = await OpenAsync(kind);

        Write(store, s =>
        {
            s.UpsertAnchor("GL-1", 1, 100, 50);
            s.UpsertAnchor("GL-1", 1, 200, 80);
            s.UpsertAnchor("GL-1", 2, 300, 10);
        });
        Write(store, s => s.UpsertAnchor("GL-1", 1, 150, 20));

        Assert.Equal([new BootAnchorRow(1, 150, 20), new BootAnchorRow(2, 300, 10)], store.Anchors("GL-1"));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task HeldHashes_RangeOverHeldQueuedAndMissing_OnlyHeldSeqsOfThatDevice(string kind)
    {
        using var store = await OpenAsync(kind);
        Write(store, s =>
        {
            foreach (var seq in Enumerable.Range(1, 4))
            {
                s.AddRecord(Row("GL-1", seq, $"h{seq}"));
            }

            s.AddRecord(Row("GL-2", 5, "other"));
        });

        Write(store, s =>
        {
            s.AddRecord(Row("GL-1", 5, "h5")); // written in this transaction, not yet sent: the read must see it
            Assert.Equal(new Dictionary<long, string> { [3] = "h3", [4] = "h4", [5] = "h5" }, s.HeldHashes("GL-1", 3, 7));
        });

        Assert.Equal(new Dictionary<long, string> { [1] = "h1" }, store.HeldHashes("GL-1", 0, 1));
        Assert.Empty(store.HeldHashes("GL-1", 6, 9));
        Assert.Empty(store.HeldHashes("GL-3", 1, 9));
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task FindDevices_EnrolledAndUnknown_OnlyTheEnrolled(string kind)
    {
        using var store = await OpenAsync(kind);
        store.Enroll(Device("GL-1"));
        store.Enroll(Device("GL-2"));

        var found = store.FindDevices(["GL-2", "GL-9", "GL-1"]);

        Assert.Equal(["GL-1", "GL-2"], found.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal("k-GL-2", found.Single(d => d.DeviceId == "GL-2").KeyId);
        Assert.Empty(store.FindDevices(["GL-9"]));
    }

    [SkippableFact]
    public async Task ParkedReady_BatchesAheadAndExpired_OnlyThoseThatCanFollowOrExpired()
    {
        using var store = (PostgresStore)await OpenAsync("postgres");
        Write(store, _ =>
        {
            foreach (var (device, first, at) in new[] { ("GL-1", 3L, 100L), ("GL-1", 5L, 200L), ("GL-1", 9L, 50L), ("GL-2", 2L, 100L) })
            {
                store.Park(new ParkedBatch(device, first, $"t/{device}/{first}", [(byte)first], at));
            }
        });

        store.BeginWrite();
        store.LockDevices(["GL-1", "GL-2"]);
        var ready = store.ParkedReady(new Dictionary<string, long> { ["GL-1"] = 5 }, parkedBeforeMs: null);
        var withExpired = store.ParkedReady(new Dictionary<string, long> { ["GL-1"] = 4, ["GL-2"] = 1 }, parkedBeforeMs: 60);
        store.RollbackWrite();

        Assert.Equal([("GL-1", 3L), ("GL-1", 5L)], ready.Select(p => (p.DeviceId, p.FirstSeq)));
        Assert.Equal([5], ready[1].Payload);
        Assert.Equal([("GL-1", 3L), ("GL-1", 9L)], withExpired.Select(p => (p.DeviceId, p.FirstSeq)));
        Assert.Empty(store.ParkedReady(new Dictionary<string, long>(), parkedBeforeMs: null));
    }

    public void Dispose() => _dir.Dispose();

    private static void Write(IChainStore store, Action<IChainStore> body)
    {
        store.BeginWrite();
        store.LockDevices(["GL-1", "GL-2"]);
        body(store);
        store.CommitWrite();
    }

    private async Task<IChainStore> OpenAsync(string kind) =>
        kind == "postgres" ? PostgresStore.Open(await postgres.DatabaseAsync()) : HubStore.Open(_dir.Combine("hub.db"));

    private static DeviceRow Device(string id) => new(id, "smart-glasses", "-----BEGIN PUBLIC KEY-----", $"k-{id}", 1);

    private static RecordRow Row(string device, long seq, string hash, bool tombstone = false) =>
        new(device, seq, hash, "prev", 1, 10 * seq, 1234, TimeSources.None, RecordTypes.UsageSummary, tombstone ? null : [1, 2, 3], 99);
}
