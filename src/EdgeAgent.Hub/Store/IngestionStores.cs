namespace EdgeAgent.Hub.Store;

/// <summary>The store ingestion writes to, by <see cref="HubOptions.Store"/>: SQLite (one writer) or PostgreSQL (several workers, with parking).</summary>
internal sealed class IngestionStores : IDisposable
{
    private IngestionStores(IChainStore store, IParkedBatches? parking)
    {
        Store = store;
        Parking = parking;
    }

    public IChainStore Store { get; }

    /// <summary>Parked batches, with a store several workers share; null for SQLite.</summary>
    public IParkedBatches? Parking { get; }

    public static IngestionStores Open(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Store is { } uri)
        {
            var pg = PostgresStore.Open(uri);
            return new IngestionStores(pg, pg);
        }

        return new IngestionStores(HubStore.Open(options.DatabasePath), null);
    }

    /// <summary>The chain store a CLI verb names with <c>--store</c> (a PostgreSQL URI), else the SQLite file of <c>--db</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="store"/> is given and is not a PostgreSQL URI.</exception>
    public static IChainStore OpenChain(string? store, string database)
    {
        if (store is null)
        {
            return HubStore.Open(database);
        }

        return PostgresLocation.IsPostgres(store)
            ? PostgresStore.Open(store)
            : throw new ArgumentException($"--store '{store}': expected postgres://USER[:PASSWORD]@HOST[:PORT]/DB (a SQLite file is --db)", nameof(store));
    }

    public void Dispose() => Store.Dispose();
}
