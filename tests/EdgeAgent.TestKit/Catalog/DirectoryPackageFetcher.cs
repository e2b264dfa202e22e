using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;

namespace EdgeAgent.TestKit.Catalog;

/// <summary>
/// An <see cref="IPackageFetcher"/> that serves every package from one local folder: the file at a package path
/// <c>a/b.onnx</c> is <c>{directory}/a/b.onnx</c>, whatever the package name and version. It counts fetches and
/// remembers which package specs were asked for, so tests can tell a cache hit from a fetch. No network.
/// </summary>
public sealed class DirectoryPackageFetcher : IPackageFetcher
{
    private readonly List<string> _fetched = [];
    private readonly Lock _gate = new();
    private int _open;

    public DirectoryPackageFetcher(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Root = Path.GetFullPath(directory);
    }

    /// <summary>The folder packages are served from.</summary>
    public string Root { get; }

    /// <summary>How many times <see cref="FetchAsync"/> was called.</summary>
    public int FetchCount
    {
        get
        {
            lock (_gate)
            {
                return _fetched.Count;
            }
        }
    }

    /// <summary>The <c>package@version</c> of every fetch, in order.</summary>
    public IReadOnlyList<string> FetchedSpecs
    {
        get
        {
            lock (_gate)
            {
                return [.. _fetched];
            }
        }
    }

    /// <summary>Fetched packages not yet disposed.</summary>
    public int OpenPackages => Volatile.Read(ref _open);

    public Task<IFetchedPackage> FetchAsync(PackageSource package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _fetched.Add(package.Spec);
        }

        Interlocked.Increment(ref _open);
        return Task.FromResult<IFetchedPackage>(new FetchedDirectory(this, package.Spec));
    }

    private sealed class FetchedDirectory(DirectoryPackageFetcher owner, string spec) : IFetchedPackage
    {
        private bool _disposed;

        public async Task ExtractAsync(string pathInPackage, string destination, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var source = Path.Combine(owner.Root, pathInPackage);
            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"package {spec} (served from {owner.Root}) has no file '{pathInPackage}'", source);
            }

            await using var from = File.OpenRead(source);
            await using var to = File.Create(destination);
            await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Interlocked.Decrement(ref owner._open);
            }
        }
    }
}
