using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;

namespace EdgeAgent.TestKit.Catalog;

/// <summary>
/// The repository's real catalog and model cache (<c>models/.cache</c>, filled by <c>./build.sh --target=Models</c>,
/// which <c>Test</c> depends on). Tests never fetch: a model that is not there fails the test with the command to run.
/// </summary>
public static class RealModels
{
    private static readonly Lazy<ModelCatalog> LazyCatalog = new(() => CatalogReader.Load(IO.RepositoryRoot.Combine("models", "catalog.json")));

    public static ModelCatalog Catalog => LazyCatalog.Value;

    public static ModelCache Cache { get; } = new(IO.RepositoryRoot.Combine("models", ".cache"), new NoFetching());

    public static ModelEntry Entry(string name) =>
        Catalog.Find(name) ?? throw new InvalidOperationException($"model '{name}' is not in models/catalog.json");

    /// <summary>Local path of a model's file (role "model") or asset (its name, e.g. "dictionary").</summary>
    public static string File(string name, string role = "model") =>
        Cache.FilesOf(Entry(name)).Single(f => f.Role == role).LocalPath;

    private sealed class NoFetching : IPackageFetcher
    {
        public Task<IFetchedPackage> FetchAsync(PackageSource package, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"tests do not fetch models ({package.Spec}); run ./build.sh --target=Models first");
    }
}
