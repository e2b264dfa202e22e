using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Tests.Accounts;

public sealed class AccountsSchemaTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Open_Version1Database_UpgradesKeepingItsDevicesAndAddsAccountsAndRegistryTables()
    {
        var path = _dir.Combine("v1.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE devices (device_id TEXT PRIMARY KEY, product_id TEXT NOT NULL, public_key_pem TEXT NOT NULL, key_id TEXT NOT NULL, enrolled_at_ms INTEGER NOT NULL);
                INSERT INTO devices VALUES ('GL-1', 'p', 'pem', 'k', 1);
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }

        using var store = HubStore.Open(path);

        Assert.Equal((long)HubStore.SchemaVersion, store.Scalar("PRAGMA user_version;"));
        Assert.Equal("GL-1", Assert.Single(store.Devices()).DeviceId);
        foreach (var table in new[] { "accounts", "organisations", "products", "sites", "serials" })
        {
            Assert.Equal(1L, store.Scalar($"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }

        Assert.Equal(
            "CREATE TABLE products(product_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL)",
            store.Scalar("SELECT sql FROM sqlite_master WHERE name = 'products'"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
