using System.Security.Cryptography;
using EdgeAgent.TestKit.IO;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

public sealed class OutboxFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Db => _dir.Combine("outbox.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task OpenAsync_TextFile_RefusedAsNotAnOutboxNamingTheFile()
    {
        await File.WriteAllTextAsync(Db, new string('x', 8192));

        var e = await Assert.ThrowsAsync<IOException>(() => OpenAsync(Db));

        Assert.Contains($"'{Db}' is not an outbox database", e.Message, StringComparison.Ordinal);
        Assert.Equal(new string('x', 8192), await File.ReadAllTextAsync(Db));
    }

    [Fact]
    public async Task OpenAsync_OtherSqliteDatabase_RefusedAndLeftUntouched()
    {
        using (var raw = Raw(Db))
        {
            Scalar(raw, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');");
        }

        var hash = SHA256.HashData(await File.ReadAllBytesAsync(Db));

        var e = await Assert.ThrowsAsync<IOException>(() => OpenAsync(Db));

        Assert.Contains($"'{Db}' is an SQLite database but not an outbox", e.Message, StringComparison.Ordinal);
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(Db)));
        Assert.False(File.Exists(Db + "-wal"));
    }

    [Fact]
    public async Task OpenAsync_NewerSchemaVersion_RefusedNamingBothVersions()
    {
        await (await OpenAsync(Db)).DisposeAsync();
        using (var raw = Raw(Db))
        {
            Scalar(raw, "PRAGMA user_version = 4;");
        }

        var e = await Assert.ThrowsAsync<IOException>(() => OpenAsync(Db));

        Assert.Contains($"outbox '{Db}' has schema version 4, newer than this build's 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_CorruptOutbox_RefusedNamingTheFile()
    {
        await using (var outbox = await OpenAsync(Db))
        {
            for (var seq = 1; seq <= 200; seq++)
            {
                await outbox.AppendAsync(Record(seq), CancellationToken.None);
            }
        }

        // Keep the 100-byte header, overwrite the rest of the first page (the schema) and beyond with noise.
        var bytes = await File.ReadAllBytesAsync(Db);
        new Random(7).NextBytes(bytes.AsSpan(100, 8000));
        await File.WriteAllBytesAsync(Db, bytes);

        var e = await Assert.ThrowsAsync<IOException>(() => OpenAsync(Db));

        Assert.Contains(Db, e.Message, StringComparison.Ordinal);
        Assert.Matches("corrupt|not an outbox", e.Message);
    }

    [Fact]
    public async Task OpenAsync_FileAlreadyOpenByAnotherOutbox_RefusedAsInUse()
    {
        await using var first = await OpenAsync(Db);
        await first.AppendAsync(Record(1), CancellationToken.None);

        var e = await Assert.ThrowsAsync<IOException>(() => OpenAsync(Db));

        Assert.Contains($"outbox '{Db}' is in use by another process", e.Message, StringComparison.Ordinal);
        Assert.Equal(Core.Outbox.AppendOutcome.Stored, await first.AppendAsync(Record(2), CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_EmptyFile_CreatesANewOutbox()
    {
        await File.WriteAllBytesAsync(Db, []);

        await using var outbox = await OpenAsync(Db);

        Assert.Equal(Core.Outbox.AppendOutcome.Stored, await outbox.AppendAsync(Record(1), CancellationToken.None));
    }
}
