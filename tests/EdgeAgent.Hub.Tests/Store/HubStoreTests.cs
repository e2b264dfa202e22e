using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Store;

public sealed class HubStoreTests
{
    [Fact]
    public void Open_NewDatabase_WalSynchronousFullAndSchemaVersion()
    {
        using var dir = new TempDirectory();
        using var store = HubStore.Open(dir.Combine("hub.db"));

        Assert.Equal("wal", store.Scalar("PRAGMA journal_mode;"));
        Assert.Equal(2L, store.Scalar("PRAGMA synchronous;")); // 2 = FULL
        Assert.Equal((long)HubStore.SchemaVersion, store.Scalar("PRAGMA user_version;"));
    }

    [Fact]
    public void InsertRecord_SameDeviceAndSeqTwice_StoredOnce()
    {
        using var dir = new TempDirectory();
        using var store = HubStore.Open(dir.Combine("hub.db"));
        var row = new RecordRow("GL-1", 1, new string('1', 64), new string('0', 64), 1, 5, null, "none", "session", [1, 2], 10);

        store.BeginWrite();
        Assert.True(store.InsertRecord(row));
        Assert.False(store.InsertRecord(row with { Hash = new string('2', 64) }));
        store.CommitWrite();

        var held = Assert.Single(store.Records("GL-1", 1));
        Assert.Equal(new string('1', 64), held.Hash);
    }

    [Fact]
    public void Enroll_SameKeyAgain_NoOpAndOtherKeyRefused()
    {
        using var dir = new TempDirectory();
        using var store = HubStore.Open(dir.Combine("hub.db"));
        var device = new DeviceRow("GL-1", "glasses", "pem", "key-a", 1);

        Assert.True(store.Enroll(device));
        Assert.False(store.Enroll(device));
        var e = Assert.Throws<InvalidOperationException>(() => store.Enroll(device with { KeyId = "key-b" }));
        Assert.Contains("key-a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Reopened_KeepsCommittedRecords()
    {
        using var dir = new TempDirectory();
        using (var store = HubStore.Open(dir.Combine("hub.db")))
        {
            store.BeginWrite();
            store.InsertRecord(new RecordRow("GL-1", 1, new string('1', 64), new string('0', 64), 1, 5, null, "none", "session", [1], 10));
            store.SetHead("GL-1", 1, new string('1', 64), 0);
            store.CommitWrite();
        }

        using var again = HubStore.Open(dir.Combine("hub.db"));
        Assert.Equal(1, again.Head("GL-1")!.Value.Seq);
    }
}
