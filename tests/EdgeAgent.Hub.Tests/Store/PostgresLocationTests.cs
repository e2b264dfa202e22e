using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using Npgsql;

namespace EdgeAgent.Hub.Tests.Store;

[Collection(PostgresTests.Name)]
public sealed class PostgresLocationTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("postgres://hub:s3cret@db.example:6543/city", "db.example", 6543, "city", "hub", "s3cret")]
    [InlineData("postgresql://hub@db.example/city", "db.example", 5432, "city", "hub", null)]
    [InlineData("postgres:///city?host=/run/postgresql&port=5433&user=hub", "/run/postgresql", 5433, "city", "hub", null)]
    public void TryParse_Uri_ConnectionStringNamesHostPortDatabaseUser(string uri, string host, int port, string database, string user, string? password)
    {
        Assert.True(PostgresLocation.TryParse(uri, out var cs, out var display, out var problem), problem);

        var b = new NpgsqlConnectionStringBuilder(cs);
        Assert.Equal((host, port, database, user), (b.Host, b.Port, b.Database, b.Username));
        if (password is not null)
        {
            Assert.Equal(password, b.Password);
            Assert.DoesNotContain(password, display, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("mysql://hub@db/city", "expected postgres://")]
    [InlineData("postgres://hub@db.example/", "names no database")]
    [InlineData("postgres:///city", "names no host")]
    [InlineData("postgres:///city?host=/tmp&port=99999", "port '99999' is not 1-65535")]
    public void TryParse_BadUri_ProblemSaysWhat(string uri, string expected)
    {
        Assert.False(PostgresLocation.TryParse(uri, out _, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Open_UnixSocketUri_ConnectsAndMigrates()
    {
        var tcp = await postgres.DatabaseAsync();
        var database = tcp[(tcp.LastIndexOf('/') + 1)..];

        using var store = PostgresStore.Open(postgres.Server.SocketUri(database));

        Assert.Empty(store.Devices());
        using var again = PostgresStore.Open(tcp); // a second open finds the schema at its version
        Assert.Empty(again.Counters());
    }

    [Theory]
    [InlineData(new[] { "--store", "postgres://hub@127.0.0.1/city" }, "give --broker")]
    [InlineData(new[] { "--store", "postgres://hub@127.0.0.1/city", "--broker", "mqtt://127.0.0.1:1883", "--http", "127.0.0.1:0" }, "--http: a --store postgres:// worker runs ingestion only")]
    [InlineData(new[] { "--store", "postgres://hub@127.0.0.1/city", "--broker", "mqtt://u:p@127.0.0.1:1883" }, "a password does not go on the command line")]
    [InlineData(new[] { "--store", "postgres://hub@127.0.0.1/city", "--broker", "mqtt://127.0.0.1:1883", "--worker-id", "a b" }, "--worker-id 'a b'")]
    [InlineData(new[] { "--store", "postgres://hub@127.0.0.1/", "--broker", "mqtt://127.0.0.1:1883" }, "names no database")]
    public async Task Serve_WorkerWithBadOptions_RefusedNamingTheOption(string[] args, string expected)
    {
        var (code, _, error) = await HubCliRunner.RunAsync(["serve", .. args]);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
