using EdgeAgent.TestKit.Postgres;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>One real PostgreSQL server for the tests of the <c>postgres</c> collection; each test takes a fresh database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _problem;

    public async Task InitializeAsync()
    {
        _problem = PostgresServer.Unavailable();
        if (_problem is null)
        {
            _server = await PostgresServer.StartAsync();
        }
    }

    /// <summary>A new empty database's URI; skips the calling test, saying why, when PostgreSQL cannot run here.</summary>
    public async Task<string> DatabaseAsync()
    {
        Skip.If(_problem is not null, _problem);
        return await _server!.CreateDatabaseAsync();
    }

    /// <summary>The server, once <see cref="DatabaseAsync"/> has not skipped.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException(_problem);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
